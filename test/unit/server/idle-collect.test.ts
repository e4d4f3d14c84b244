/**
 * The idle collector: one collection once no request has been in flight for the quiet time after some ran and
 * the heap grew enough; none while requests keep coming, none when nothing ran since, and the gateway tells
 * it when its requests start and end.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { IdleCollector, v8Collector } from '../../../src/server/idle-collect.js';
import { startGateway } from '../../../src/server/start.js';
import { rawUpstream, ruleFile, writeRuleFile } from '../../support/rule-file-gateway.js';

const MB = 1024 * 1024;

/** A collector whose footprint the test sets; each collection brings it down to 12 MB. */
function fake(opts: { quietMs?: number; minGrowthBytes?: number } = {}): { c: IdleCollector; setFootprint(n: number): void; collected: () => number } {
  let footprint = 10 * MB;
  let collected = 0;
  const c = new IdleCollector({
    quietMs: opts.quietMs ?? 1000,
    minGrowthBytes: opts.minGrowthBytes ?? 16 * MB,
    collect: () => {
      collected++;
      footprint = 12 * MB;
    },
    footprint: () => footprint,
  });
  return { c, setFootprint: (n) => (footprint = n), collected: () => collected };
}

describe('idle collector', () => {
  it('collects once the last request in flight has been over for the quiet time', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { c, setFootprint, collected } = fake();
      c.started();
      c.started();
      setFootprint(60 * MB);
      c.ended(1);
      mock.timers.tick(5000);
      assert.equal(collected(), 0, 'not while a request is still in flight');
      c.ended(0);
      mock.timers.tick(999);
      assert.equal(collected(), 0, 'not before the quiet time');
      mock.timers.tick(1);
      assert.equal(collected(), 1);
      mock.timers.tick(60_000);
      assert.equal(collected(), 1, 'once per quiet period');
    } finally {
      mock.timers.reset();
    }
  });

  it('does not collect when a request starts within the quiet time', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { c, setFootprint, collected } = fake();
      setFootprint(60 * MB);
      c.started();
      c.ended(0);
      mock.timers.tick(500);
      c.started();
      mock.timers.tick(5000);
      assert.equal(collected(), 0);
      c.ended(0);
      mock.timers.tick(1000);
      assert.equal(collected(), 1);
    } finally {
      mock.timers.reset();
    }
  });

  it('does not collect when the heap grew less than the threshold since the last collection', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { c, setFootprint, collected } = fake();
      setFootprint(20 * MB);
      c.started();
      c.ended(0);
      mock.timers.tick(1000);
      assert.equal(collected(), 0, '10 MB of growth is below 16 MB');
      setFootprint(40 * MB);
      c.started();
      c.ended(0);
      mock.timers.tick(1000);
      assert.equal(collected(), 1);
      // After the collection the footprint is 12 MB: growth counts from there.
      setFootprint(20 * MB);
      c.started();
      c.ended(0);
      mock.timers.tick(1000);
      assert.equal(collected(), 1);
    } finally {
      mock.timers.reset();
    }
  });

  it('does not collect again while no request ran', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { c, setFootprint, collected } = fake();
      setFootprint(60 * MB);
      c.ended(0);
      mock.timers.tick(5000);
      assert.equal(collected(), 0, 'an end without a start since the last check is not traffic');
      c.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it('gives a V8 collector that frees unreachable objects, without leaving a global gc', async () => {
    const gc = v8Collector();
    let ref: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef({ big: new Array(1000).fill(1) });
    })();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    assert.equal(ref?.deref(), undefined);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the main context has no global gc');
  });

  it('is told by the gateway when a request starts and ends', async () => {
    const up = await rawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"type":"message","role":"assistant","content":[],"usage":{"input_tokens":1,"output_tokens":1}}');
    });
    let collected = 0;
    const idle = new IdleCollector({ quietMs: 10, minGrowthBytes: 0, collect: () => collected++, footprint: () => 0 });
    const gw = await startGateway({ configPath: writeRuleFile(ruleFile({ up: { url: up.url } })), env: {}, port: 0, silent: true, idleCollector: idle });
    try {
      const res = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}' });
      await res.text();
      assert.equal(res.status, 200);
      for (let i = 0; i < 100 && collected === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(collected, 1, 'one collection after the request ended and the gateway went quiet');
    } finally {
      await gw.close();
      await up.close();
    }
  });
});
