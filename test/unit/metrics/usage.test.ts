import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf } from '../../../src/metrics/cost.js';
import { compilePrices } from '../../../src/metrics/prices.js';
import { UsageTracker, WANTED_EVENTS } from '../../../src/metrics/usage.js';
import { assertUsd, fixture, parseSse } from '../../support/metrics-helpers.js';

const table = compilePrices();

/** Feeds a recorded stream the way the core does: only WANTED_EVENTS are parsed, bad JSON is dropped. */
function track(sse: string): UsageTracker {
  const tracker = new UsageTracker();
  for (const { event, data } of parseSse(sse)) {
    if (!WANTED_EVENTS.has(event)) continue;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      continue;
    }
    tracker.onEvent(event, json);
  }
  return tracker;
}

function costFor(tracker: UsageTracker): number {
  const usage = tracker.usage();
  const model = tracker.model();
  assert.ok(usage && model);
  const price = table.lookup(model);
  assert.ok(price, `${model} is priced`);
  return costOf(usage, price);
}

describe('UsageTracker', () => {
  it('reduces an Anthropic stream with 1-hour cache writes', () => {
    const t = track(fixture('anthropic-opus-stream.sse'));
    assert.equal(t.model(), 'claude-opus-4-8');
    assert.deepEqual(t.usage(), {
      input_tokens: 12,
      output_tokens: 350,
      cache_read_input_tokens: 30000,
      cache_creation_input_tokens: 4000,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 4000 },
    });
    // 12×5 + 30000×0.5 + 4000×10 + 350×25 = 60 + 15000 + 40000 + 8750 = 63810 → /1e6
    assertUsd(costFor(t), 0.06381);
  });

  it('takes input and cache counts from message_delta when MiniMax sends them there', () => {
    const t = track(fixture('minimax-stream.sse'));
    assert.equal(t.model(), 'MiniMax-M2.7');
    assert.deepEqual(t.usage(), {
      input_tokens: 1500,
      output_tokens: 420,
      cache_read_input_tokens: 8000,
      cache_creation_input_tokens: 0,
    });
    // 1500×0.3 + 8000×0.06 + 420×1.2 = 450 + 480 + 504 = 1434 → /1e6
    assertUsd(costFor(t), 0.001434);
  });

  it('counts the usage seen so far when a stream is cut before message_stop', () => {
    const t = track(fixture('sonnet-cut-stream.sse'));
    // output_tokens is cumulative: the last message_delta (90) wins, not 1 + 40 + 90.
    assert.equal(t.usage()?.output_tokens, 90);
    // 100×3 + 90×15 = 300 + 1350 = 1650 → /1e6
    assertUsd(costFor(t), 0.00165);
  });

  it('reads a non-streaming JSON body, parsed or as text', () => {
    for (const body of [JSON.parse(fixture('haiku-message.json')) as unknown, fixture('haiku-message.json')]) {
      const t = new UsageTracker();
      t.fromMessage(body);
      assert.equal(t.model(), 'claude-haiku-4-5-20251001');
      // 250×1 + 5000×0.1 + 1200×1.25 + 80×5 = 250 + 500 + 1500 + 400 = 2650 → /1e6
      assertUsd(costFor(t), 0.00265);
    }
  });

  it('falls back to the type field of the data when the event name is empty', () => {
    const t = new UsageTracker();
    t.onEvent('', { type: 'message_delta', usage: { output_tokens: 7 } });
    assert.equal(t.usage()?.output_tokens, 7);
  });

  it('reports no usage before any usage arrives', () => {
    const t = new UsageTracker();
    t.onEvent('message_start', { message: { model: 'claude-opus-4-8' } });
    t.onEvent('ping', {});
    assert.equal(t.usage(), undefined);
    assert.equal(t.model(), 'claude-opus-4-8');
  });

  it('never throws on malformed input and ignores it', () => {
    const hostile = Object.defineProperty({}, 'message', {
      get() {
        throw new Error('boom');
      },
    });
    const t = new UsageTracker();
    const garbage: [string, unknown][] = [
      ['message_start', null],
      ['message_start', undefined],
      ['message_start', 'text'],
      ['message_start', { message: 5 }],
      ['message_start', { message: { usage: [1, 2], model: 42 } }],
      ['message_start', hostile],
      ['message_delta', { usage: 'x' }],
      ['message_delta', { usage: { output_tokens: -1, input_tokens: 'many', cache_read_input_tokens: null } }],
      ['message_delta', { usage: { output_tokens: Number.NaN, cache_creation: 'split' } }],
      ['message_delta', [1, 2, 3]],
    ];
    for (const [type, data] of garbage) assert.doesNotThrow(() => t.onEvent(type, data));
    for (const body of ['not json', undefined, null, 12, '{"usage":', { usage: null }]) {
      assert.doesNotThrow(() => t.fromMessage(body));
    }
    assert.equal(t.usage(), undefined);
    assert.equal(t.model(), undefined);
  });

  it('exposes only the events it needs', () => {
    assert.deepEqual([...WANTED_EVENTS].sort(), ['message_delta', 'message_start']);
  });
});
