import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { freePort } from '../../support/free-port.js';
import { errorOf, eventWithin, gatewayFor, messagesBody, rawUpstream, ruleFile, send, sseMessage, type RawUpstream } from '../../support/rule-file-gateway.js';

let up: RawUpstream;
let gw: RunningGateway;
const SSE = { 'content-type': 'text/event-stream' };
const streamBody = JSON.stringify(messagesBody({ stream: true }));

before(async () => {
  up = await rawUpstream();
  gw = await gatewayFor(ruleFile({ up: { url: up.url, extra: ['timeouts: { connect: 1s, first_byte: 400ms, idle: 400ms }'] } }));
});
after(async () => {
  await gw.close();
  await up.close();
});

/** Asserts an SSE body ends with an Anthropic error event and never with message_stop. */
function assertErrorEnding(body: string, type: RegExp): void {
  assert.ok(!body.includes('event: message_stop'), 'a cut stream must not look complete');
  const last = body.trimEnd().split('\n\n').at(-1) ?? '';
  assert.match(last, /^event: error\ndata: /);
  const data = JSON.parse(last.split('\ndata: ')[1]!) as { type: string; error: { type: string } };
  assert.equal(data.type, 'error');
  assert.match(data.error.type, type);
}

describe('upstream faults', () => {
  it('answers 502 api_error when the upstream refuses the connection', async () => {
    const port = await freePort();
    const g = await gatewayFor(ruleFile({ dead: { url: `http://127.0.0.1:${port}` } }));
    try {
      const r = await send(g.url, { body: JSON.stringify(messagesBody()) });
      assert.equal(r.status, 502);
      const e = errorOf(r.body);
      assert.equal(e.type, 'api_error');
      assert.match(e.message, /unreachable \(ECONNREFUSED\)/);
    } finally {
      await g.close();
    }
  });

  it('answers 502 api_error when the upstream resets the connection before answering', async () => {
    up.handler = (req) => req.socket.destroy();
    const r = await send(gw.url, { body: JSON.stringify(messagesBody()) });
    assert.equal(r.status, 502);
    assert.equal(errorOf(r.body).type, 'api_error');
  });

  it('answers 504 timeout_error when no response head arrives within first_byte', async () => {
    up.handler = () => {};
    const t0 = performance.now();
    const r = await send(gw.url, { body: JSON.stringify(messagesBody()) });
    const took = performance.now() - t0;
    assert.equal(r.status, 504);
    const e = errorOf(r.body);
    assert.equal(e.type, 'timeout_error');
    assert.match(e.message, /no response within 0\.4s/);
    assert.ok(took >= 380 && took < 3000, `took ${took} ms`);
  });

  it('ends a stream that dies mid-way with an SSE error event and closes the connection', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      const events = sseMessage();
      res.write(events.slice(0, 3).join(''), () => setTimeout(() => res.socket?.destroy(), 20));
    };
    const r = await send(gw.url, { body: streamBody });
    assert.equal(r.status, 200);
    assert.match(r.body, /event: content_block_delta/);
    assertErrorEnding(r.body, /^api_error$/);
  });

  it('ends a stream that finishes cleanly without message_stop with an SSE error event', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.end(sseMessage().slice(0, 4).join(''));
    };
    const r = await send(gw.url, { body: streamBody });
    assertErrorEnding(r.body, /^api_error$/);
  });

  it('ends a stream idle longer than its idle timeout with an overloaded_error event', async () => {
    let upstreamClosed!: Promise<unknown>;
    up.handler = (_req, res) => {
      upstreamClosed = once(res, 'close');
      res.writeHead(200, SSE);
      res.write(sseMessage().slice(0, 2).join(''));
    };
    const t0 = performance.now();
    const r = await send(gw.url, { body: streamBody });
    assert.ok(performance.now() - t0 >= 380);
    assertErrorEnding(r.body, /^overloaded_error$/);
    await eventWithin(upstreamClosed, 1000, 'the idle upstream connection to be closed');
  });

  it('passes an upstream error event through and ends the stream', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.end(sseMessage().slice(0, 2).join('') + 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n');
    };
    const r = await send(gw.url, { body: streamBody });
    assertErrorEnding(r.body, /^overloaded_error$/);
    assert.equal(r.body.match(/event: error/g)?.length, 1, 'exactly one error event');
  });

  it('keeps a complete stream complete', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.end(sseMessage('all good').join(''));
    };
    const r = await send(gw.url, { body: streamBody });
    assert.equal(r.error, undefined);
    assert.equal(r.body, sseMessage('all good').join(''));
  });

  for (const phase of ['waiting for the head', 'mid-stream'] as const) {
    it(`aborts the upstream request at once when the client disconnects ${phase}`, async () => {
      let upstreamClosed!: Promise<unknown>;
      const arrived = new Promise<void>((resolve) => {
        up.handler = (req, res) => {
          upstreamClosed = once(req.socket, 'close');
          if (phase === 'mid-stream') {
            res.writeHead(200, SSE);
            res.write(sseMessage()[0]);
          }
          resolve();
        };
      });
      const client = request(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
      client.on('error', () => {});
      client.end(streamBody);
      await arrived;
      if (phase === 'mid-stream') await once(client, 'response');
      const t0 = performance.now();
      client.destroy();
      await eventWithin(upstreamClosed, 300, 'the upstream connection to close');
      assert.ok(performance.now() - t0 < 300);
    });
  }

  it('applies backpressure from a slow reader to the upstream so memory stays bounded', async () => {
    const chunk = `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x'.repeat(16 * 1024) } })}\n\n`;
    let written = 0;
    let stop = false;
    let blocked!: () => void;
    const wasBlocked = new Promise<void>((r) => (blocked = r));
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.write(sseMessage()[0]);
      const pump = (): void => {
        while (!stop && written < 256 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            blocked();
            res.once('drain', pump);
            return;
          }
        }
        res.end(sseMessage().slice(3).join(''));
      };
      pump();
    };
    const heapBefore = process.memoryUsage().heapUsed;
    const client = request(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
    client.end(streamBody);
    const [res] = (await once(client, 'response')) as [import('node:http').IncomingMessage];
    res.pause();
    await eventWithin(wasBlocked, 5000, 'the upstream to be blocked');
    // Let the pipe settle while the reader reads nothing (socket buffers fill; slower on a loaded machine): the
    // upstream must then stay blocked. Without backpressure it never settles and the bound below fails.
    let stalled = -1;
    for (let i = 0; i < 20 && written !== stalled; i++) {
      stalled = written;
      await new Promise((r) => setTimeout(r, 300));
    }
    // Longer than the idle timeout: a paused reader must not be mistaken for an idle upstream.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(written, stalled, 'the upstream kept writing while nobody read');
    assert.ok(written < 32 * 1024 * 1024, `the upstream wrote ${written} bytes into a paused reader`);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'heap grew without bound');
    stop = true;
    let received = 0;
    let tail = '';
    res.on('data', (c: Buffer) => {
      received += c.length;
      tail = (tail + c.toString('latin1')).slice(-200);
    });
    res.resume();
    await once(res, 'end');
    assert.ok(received >= written, `received ${received} of ${written}`);
    assert.match(tail, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/, 'a slow reader gets the whole stream');
  });
});
