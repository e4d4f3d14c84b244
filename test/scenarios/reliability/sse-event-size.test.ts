/**
 * Large SSE events: reading one costs time linear in its size (a 16 MB event no longer takes seconds of CPU
 * nor stalls /healthz), and an event over the upstream's `limits.event` ends the stream with an error event.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { buildPlan } from '../../../src/server/start.js';
import type { RunningGateway } from '../../../src/server/start.js';
import { ConfigError } from '../../../src/errors.js';
import { captureLogs, closed, eventWithin, gatewayFor, messagesBody, rawUpstream, ruleFile, send, sseMessage, writeRuleFile, type RawUpstream } from '../../support/rule-file-gateway.js';

const SSE = { 'content-type': 'text/event-stream' };
const streamBody = JSON.stringify(messagesBody({ stream: true }));
const MB = 1024 * 1024;

/** A content_block_delta event whose text is `size` characters. */
function bigDelta(size: number): string {
  return `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'y'.repeat(size) } })}\n\n`;
}

/** Writes `text` in 16 KB pieces, yielding between them so the gateway reads many small chunks. */
async function writeInPieces(res: ServerResponse, text: string): Promise<void> {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length && !res.destroyed; i += 16 * 1024) {
    if (!res.write(buf.subarray(i, i + 16 * 1024))) await once(res, 'drain');
    else await new Promise((r) => setImmediate(r));
  }
}

let up: RawUpstream;
let roomy: RunningGateway;
let byDefault: RunningGateway;
let tight: RunningGateway;

before(async () => {
  up = await rawUpstream();
  roomy = await gatewayFor(ruleFile({ up: { url: up.url, extra: ['limits: { event: 32mb }'] } }));
  byDefault = await gatewayFor(ruleFile({ up: { url: up.url } }));
  tight = await gatewayFor(ruleFile({ up: { url: up.url, extra: ['limits: { event: 64kb }'] } }), { logger: captureLogs().logger });
});
after(async () => {
  await roomy.close();
  await byDefault.close();
  await tight.close();
  await up.close();
});

/** Streams one request, reading the answer as it comes; resolves with its length and last 300 characters. */
function stream(url: string): Promise<{ length: number; tail: string; head: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (res: IncomingMessage) => {
      let length = 0;
      let head = '';
      let tail = '';
      res.on('data', (c: Buffer) => {
        length += c.length;
        if (head.length < 300) head += c.toString('latin1').slice(0, 300);
        tail = (tail + c.toString('latin1')).slice(-300);
      });
      res.once('end', () => resolve({ length, head, tail }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(streamBody);
  });
}

describe('large SSE events', () => {
  it('reads a 16 MB event in linear time and keeps /healthz responsive meanwhile', async (t) => {
    const events = sseMessage();
    const huge = bigDelta(16 * MB);
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.write(events.slice(0, 2).join(''));
      void writeInPieces(res, huge).then(() => res.end(events.slice(3).join('')));
    };
    let worstHealthz = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t0 = performance.now();
        const h = await send(roomy.url, { method: 'GET', path: '/healthz' });
        assert.equal(h.status, 200);
        worstHealthz = Math.max(worstHealthz, performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await stream(roomy.url);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    polling = false;
    await poll;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    t.diagnostic(`16 MB event: ${cpuMs.toFixed(0)} ms CPU (upstream, gateway and client together), ${wall.toFixed(0)} ms wall, worst /healthz ${worstHealthz.toFixed(1)} ms`);
    assert.ok(r.length > 16 * MB, 'the whole event reached the client');
    assert.match(r.tail, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
    assert.ok(cpuMs < 3000, `${cpuMs} ms of CPU for one 16 MB event`);
    assert.ok(worstHealthz < 500, `/healthz took up to ${worstHealthz} ms`);
  });

  it('ends the stream with an api_error event once an event passes the default cap of 8 MB, without waiting for its end', async () => {
    let upstreamClosed!: Promise<unknown>;
    up.handler = (req, res) => {
      upstreamClosed = closed(req.socket);
      res.writeHead(200, SSE);
      res.write(sseMessage().slice(0, 2).join(''));
      // 9 MB of one event that never ends: the gateway must give up at 8 MB, not hold it all.
      const partial = bigDelta(9 * MB).slice(0, -2);
      void writeInPieces(res, partial);
    };
    const r = await eventWithin(stream(byDefault.url), 20_000, 'the stream to end');
    assert.match(r.head, /^event: message_start\n/, 'the events before it were delivered');
    assert.match(r.tail, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^\n]*larger than 8388608 bytes \(limits\.event\)"\}\}\n\n$/);
    assert.ok(r.length < 64 * 1024, 'no part of the oversized event was forwarded');
    await eventWithin(upstreamClosed, 2000, 'the upstream connection to close');
  });

  it('applies a configured limits.event to an event that arrives whole in one chunk', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.end(sseMessage().slice(0, 2).join('') + bigDelta(100 * 1024) + sseMessage().slice(3).join(''));
    };
    const r = await stream(tight.url);
    assert.match(r.tail, /larger than 65536 bytes \(limits\.event\)/);
    assert.ok(!r.tail.includes('message_stop'));
  });

  it('rejects a limits.event that is not a size', () => {
    const path = writeRuleFile(ruleFile({ up: { url: 'http://127.0.0.1:1', extra: ['limits: { event: 8 }'] } }));
    assert.throws(() => buildPlan(path, {}, captureLogs().logger), (err: unknown) => err instanceof ConfigError && /limits\.event/.test(err.message));
  });
});
