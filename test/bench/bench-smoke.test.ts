/**
 * Smoke test of the benchmark harness: body generators (sizes, shapes, signatures), statistics helpers, the
 * profile summariser, and the floor proxy and fake upstream children. The benchmark itself is not run here.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { buildCase, buildSized, TRIGGER_TEXT, type RequestSpec } from '../../bench/bodies/cases.js';
import { Harness } from '../../bench/harness.js';
import { timedRequest } from '../../bench/load/latency.js';
import { spacingErrors, streamOnce } from '../../bench/load/stream.js';
import { selfTimes } from '../../bench/profile.js';
import { linearFit, median, quantile } from '../../bench/stats.js';

interface Block {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  cache_control?: unknown;
  input_schema?: unknown;
}
interface Body {
  stream?: boolean;
  system?: Block[];
  tools?: { name: string; input_schema?: unknown }[];
  messages: { role: string; content: string | Block[] }[];
  metadata?: { user_id?: string };
}

function parse(spec: RequestSpec): Body {
  return JSON.parse(spec.body.toString('utf8')) as Body;
}

function blocks(body: Body, type: string): Block[] {
  return body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content.filter((b) => b.type === type) : []));
}

function lastUserText(body: Body): string {
  const last = body.messages[body.messages.length - 1];
  assert.ok(last && last.role === 'user');
  if (typeof last.content === 'string') return last.content;
  const texts = last.content.filter((b) => b.type === 'text');
  return texts[texts.length - 1]?.text ?? '';
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('bench body generators', () => {
  it('makes a small body of one short message', () => {
    const spec = buildCase('a', 'small');
    const body = parse(spec);
    assert.ok(spec.body.length < 200, `small body is ${spec.body.length} bytes`);
    assert.equal(body.messages.length, 1);
  });

  it('makes a Claude Code-shaped body of about 50 KB', () => {
    const spec = buildCase('a', '50k');
    const body = parse(spec);
    assert.ok(Math.abs(spec.body.length - 50_000) <= 2_500, `50 KB body is ${spec.body.length} bytes`);
    assert.ok((body.system?.length ?? 0) >= 3 && body.system?.some((b) => b.cache_control !== undefined));
    assert.ok((body.tools?.length ?? 0) >= 20 && body.tools?.every((t) => t.input_schema !== undefined));
    assert.ok(body.messages.length >= 3 && body.messages.length <= 12, `${body.messages.length} messages`);
    assert.ok(spec.path.endsWith('?beta=true'));
    assert.equal(spec.headers['x-claude-code-session-id'], spec.sessionId);
    assert.ok(body.metadata?.user_id?.includes(spec.sessionId));
  });

  it('makes a long agentic history of about 1 MB', () => {
    const spec = buildCase('a', '1m');
    const body = parse(spec);
    assert.ok(Math.abs(spec.body.length - 1_000_000) <= 50_000, `1 MB body is ${spec.body.length} bytes`);
    assert.ok(body.messages.length >= 200, `${body.messages.length} messages`);
    assert.ok(blocks(body, 'thinking').length >= 100);
    assert.ok(blocks(body, 'tool_use').length >= 100);
    assert.equal(blocks(body, 'tool_use').length, blocks(body, 'tool_result').length);
  });

  it('signs case (a) thinking like Anthropic and case (b) thinking like MiniMax', () => {
    for (const sizeId of ['50k', '1m'] as const) {
      const anthropic = blocks(parse(buildCase('a', sizeId)), 'thinking');
      assert.ok(anthropic.every((b) => b.signature !== undefined && !/^[0-9a-f]{64}$/.test(b.signature)));
      assert.ok(anthropic.every((b) => /^[A-Za-z0-9+/=]{200,}$/.test(b.signature ?? '')));
      const minimax = blocks(parse(buildCase('b', sizeId)), 'thinking');
      assert.ok(minimax.length > 0);
      assert.ok(minimax.every((b) => b.signature === sha256(b.thinking ?? '')));
    }
  });

  it('ends case (c) with the trigger and primes case (d) with one', () => {
    for (const sizeId of ['small', '50k', '1m'] as const) {
      assert.equal(lastUserText(parse(buildCase('c', sizeId))), TRIGGER_TEXT);
      const sticky = buildCase('d', sizeId);
      assert.notEqual(lastUserText(parse(sticky)), TRIGGER_TEXT);
      assert.ok(sticky.primer);
      assert.equal(lastUserText(parse(sticky.primer)), TRIGGER_TEXT);
      assert.equal(sticky.primer.headers['x-claude-code-session-id'], sticky.sessionId);
    }
  });

  it('is deterministic and sizes the scaling bodies exactly', () => {
    assert.ok(buildCase('b', '1m').body.equals(buildCase('b', '1m').body));
    for (const bytes of [20_000, 125_000]) assert.equal(buildSized(bytes).body.length, bytes);
    assert.equal(parse(buildCase('a', '50k', true)).stream, true);
  });
});

describe('bench statistics and profile summary', () => {
  it('computes quantiles and a linear fit', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(quantile([0, 10], 0.9), 9);
    const fit = linearFit([1, 2, 3], [2, 4, 6]);
    assert.ok(Math.abs(fit.slope - 2) < 1e-9 && Math.abs(fit.r2 - 1) < 1e-9);
  });

  it('ranks functions by self time', () => {
    const top = selfTimes({
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'parse', url: 'file:///x/a.js', lineNumber: 9 } },
      ],
      samples: [2, 2, 1],
      timeDeltas: [0, 1000, 1000, 1000],
      startTime: 0,
      endTime: 3000,
    });
    assert.equal(top[0]?.name, 'parse');
    assert.equal(top[0]?.where, '/x/a.js:10');
  });
});

describe('bench servers', () => {
  const harness = new Harness();
  before(async () => {
    await harness.start();
  });
  after(async () => {
    await harness.close();
  });

  it('forwards through the floor proxy to the fake upstream', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      await harness.configureUpstream({ inspect: true });
      const spec = buildCase('b', '50k');
      const { status, body } = await timedRequest(agent, harness.floor.url, spec);
      assert.equal(status, 200);
      assert.equal((JSON.parse(body.toString('utf8')) as { type: string }).type, 'message');
      const stats = await harness.upstreamStats();
      assert.equal(stats.last?.bytes, spec.body.length);
      assert.equal(stats.last?.minimaxSignedThinking, stats.last?.thinkingBlocks);
    } finally {
      agent.destroy();
      await harness.configureUpstream({ inspect: false });
    }
  });

  it('streams paced events with upstream send times', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      await harness.configureUpstream({ eventGapMs: 5, events: 8 });
      const timing = await streamOnce(agent, harness.floor.url, buildCase('a', 'small', true));
      assert.equal(timing.status, 200);
      assert.equal(timing.events, 8);
      assert.ok(timing.complete);
      assert.equal(spacingErrors(timing).length, timing.stamps.length - 1);
    } finally {
      agent.destroy();
      await harness.configureUpstream({ eventGapMs: 0, events: 20 });
    }
  });
});
