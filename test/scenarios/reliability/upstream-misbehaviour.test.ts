/**
 * Upstreams that misbehave after (or while) answering: bodies cut or stalled mid-way, streams kept open or
 * continued after message_stop, an early 413 with a reset while the body is still being sent, and a
 * listener that never accepts the connection.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { captureLogs, closed, errorOf, eventWithin, gatewayFor, messagesBody, metricValue, rawUpstream, requestLines, requestLogAfter, ruleFile, send, sseMessage, type LogCapture, type RawUpstream } from '../../support/rule-file-gateway.js';

const SSE = { 'content-type': 'text/event-stream' };
const JSON_HEAD = { 'content-type': 'application/json' };
const streamBody = JSON.stringify(messagesBody({ stream: true }));
const ev = (event: string, data: object): string => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;

let up: RawUpstream;
/** Short idle timeout: for stalls that must be cut. */
let quick: RunningGateway;
/** Long idle timeout: for streams that must end without waiting for it. */
let patient: RunningGateway;
let logs: LogCapture;

before(async () => {
  up = await rawUpstream();
  logs = captureLogs();
  quick = await gatewayFor(ruleFile({ up: { url: up.url, extra: ['timeouts: { first_byte: 2s, idle: 500ms }'] } }));
  patient = await gatewayFor(ruleFile({ up: { url: up.url, extra: ['timeouts: { first_byte: 2s, idle: 30s }'] } }), { logger: logs.logger });
});
after(async () => {
  await quick.close();
  await patient.close();
  await up.close();
});

const upstreamErrors = (gw: RunningGateway): Promise<number> => metricValue(gw, 'mmexec_upstream_errors_total', { upstream: 'up' });

describe('non-streaming answers that go wrong after the head', () => {
  it('answers 502 api_error at once when the body is cut short of its content-length', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { ...JSON_HEAD, 'content-length': 500 });
      res.write('{"id":"msg_1","type":"message","content":[{"type":"text","text":"hal', () => setTimeout(() => res.socket?.destroy(), 30));
    };
    const before = await metricValue(quick, 'mmexec_upstream_errors_total', { upstream: 'up', kind: 'stream_broken' });
    const t0 = performance.now();
    const r = await eventWithin(send(quick.url, { body: JSON.stringify(messagesBody()) }), 3000, 'an answer to the client');
    assert.ok(performance.now() - t0 < 400, 'the client does not wait for any timeout');
    assert.equal(r.status, 502);
    const e = errorOf(r.body);
    assert.equal(e.type, 'api_error');
    assert.match(e.message, /closed the connection before the end of its answer/);
    assert.equal(await metricValue(quick, 'mmexec_upstream_errors_total', { upstream: 'up', kind: 'stream_broken' }), before + 1);
  });

  it('answers 504 timeout_error once a body stalls for the idle timeout, and closes the upstream connection', async () => {
    let upstreamClosed!: Promise<unknown>;
    up.handler = (req, res) => {
      upstreamClosed = closed(req.socket);
      res.writeHead(200, JSON_HEAD);
      res.write('{"id":"x",');
    };
    const t0 = performance.now();
    const r = await eventWithin(send(quick.url, { body: JSON.stringify(messagesBody()) }), 5000, 'an answer to the client');
    const took = performance.now() - t0;
    assert.equal(r.status, 504);
    const e = errorOf(r.body);
    assert.equal(e.type, 'timeout_error');
    assert.match(e.message, /sent nothing for 0\.5s in the middle of its answer/);
    assert.ok(took >= 450 && took < 3000, `took ${took} ms`);
    await eventWithin(upstreamClosed, 1000, 'the stalled upstream connection to close');
  });

  it('keeps a body that trickles slower than the idle timeout overall, but never pauses that long', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, JSON_HEAD);
      const text = JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], usage: { input_tokens: 1, output_tokens: 1 } });
      let i = 0;
      const tick = setInterval(() => {
        const part = text.slice(i, i + 20);
        i += 20;
        if (i >= text.length) {
          clearInterval(tick);
          res.end(part);
        } else res.write(part);
      }, 100);
    };
    const r = await send(quick.url, { body: JSON.stringify(messagesBody()) });
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as { id: string }).id, 'msg_1');
  });
});

describe('streams around message_stop', () => {
  it('ends a stream at message_stop although the upstream keeps the connection open', async () => {
    let upstreamClosed!: Promise<unknown>;
    up.handler = (req, res) => {
      upstreamClosed = closed(req.socket);
      res.writeHead(200, SSE);
      res.write(sseMessage('done').join(''));
    };
    const errorsBefore = await upstreamErrors(patient);
    const seen = requestLines(logs).length;
    const t0 = performance.now();
    const r = await eventWithin(send(patient.url, { body: streamBody }), 5000, 'the stream to end');
    assert.ok(performance.now() - t0 < 2500, 'the stream ends without waiting for the 30 s idle timeout');
    assert.equal(r.error, undefined);
    assert.equal(r.body, sseMessage('done').join(''), 'the complete answer, no error event after it');
    const line = await requestLogAfter(logs, seen);
    assert.equal(line.outcome, undefined, 'logged as complete');
    assert.equal(line.level, 'info');
    await eventWithin(upstreamClosed, 3000, 'the lingering upstream connection to be closed');
    assert.equal(await upstreamErrors(patient), errorsBefore, 'no upstream error is counted');
  });

  it('sends and counts nothing after message_stop, in the same chunk or later', async () => {
    const late = ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5_000_000 } });
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.write(sseMessage('priced').join('') + late + ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'ghost' } }));
      setTimeout(() => res.end(late + ev('message_stop', {})), 50);
    };
    const seen = requestLines(logs).length;
    const r = await send(patient.url, { body: streamBody });
    assert.equal(r.body, sseMessage('priced').join(''));
    const line = await requestLogAfter(logs, seen);
    assert.equal(line.output_tokens, 2, 'usage from before message_stop only');
    assert.equal(line.input_tokens, 3);
    assert.ok(Number(line.cost_usd) < 0.01, `cost ${String(line.cost_usd)}`);
  });

  it('ends a stream at an error event although the upstream keeps the connection open', async () => {
    const error = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.write(sseMessage().slice(0, 2).join('') + error);
    };
    const r = await eventWithin(send(patient.url, { body: streamBody }), 5000, 'the stream to end');
    assert.equal(r.body, sseMessage().slice(0, 2).join('') + error, 'the upstream error event ends the stream, no second one added');
  });
});

describe('a cut stream', () => {
  it('closes the client connection after the error event, even a keep-alive one', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, SSE);
      res.write(sseMessage().slice(0, 2).join(''), () => setTimeout(() => res.socket?.destroy(), 20));
    };
    const client = connect(patient.port, '127.0.0.1');
    client.on('error', () => {});
    let got = '';
    client.on('data', (c: Buffer) => (got += c.toString('utf8')));
    client.write(`POST /v1/messages HTTP/1.1\r\nhost: gw\r\nconnection: keep-alive\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(streamBody)}\r\n\r\n${streamBody}`);
    await eventWithin(closed(client), 3000, 'the gateway to close the connection');
    assert.match(got, /event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
  });
});

describe('an upstream that answers before the request body is sent', () => {
  it('passes its early 413 to the client when it resets the connection mid-body, and keeps running', async () => {
    const answer = Buffer.from(JSON.stringify({ type: 'error', error: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' } }));
    up.handler = (req, res) => {
      res.writeHead(413, { ...JSON_HEAD, 'content-length': answer.length });
      // Closing with the request body unread makes the kernel answer the gateway's next bytes with a reset.
      res.end(answer, () => req.socket.destroy());
    };
    // In a real gateway process an error nobody handles is a crash: collect any instead.
    const uncaught: unknown[] = [];
    const collect = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', collect);
    const big = JSON.stringify(messagesBody({ messages: [{ role: 'user', content: 'x'.repeat(20 * 1024 * 1024) }] }));
    try {
      for (let i = 0; i < 4; i++) {
        const r = await send(patient.url, { body: big });
        assert.equal(r.status, 413, `attempt ${i}: ${r.body.slice(0, 200)}`);
        assert.equal(errorOf(r.body).type, 'request_too_large');
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.removeListener('uncaughtException', collect);
    }
    assert.deepEqual(uncaught.map(String), [], 'no error escaped the gateway');
    up.handler = (_req, res) => res.writeHead(200, JSON_HEAD).end(JSON.stringify({ type: 'message', content: [] }));
    assert.equal((await send(patient.url, { body: JSON.stringify(messagesBody()) })).status, 200, 'the gateway still serves');
  });
});

describe('connect timeout', () => {
  let child: ChildProcess | undefined;
  const fillers: Socket[] = [];
  after(() => {
    for (const s of fillers) s.destroy();
    child?.kill('SIGKILL');
  });

  it('answers 504 when the upstream does not accept the connection within connect', async () => {
    // A listener whose accept queue is full and that never accepts: the kernel drops further SYNs.
    child = spawn(process.execPath, ['-e', "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () { console.log(this.address().port); process.kill(process.pid, 'SIGSTOP'); })"], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const port = Number(line.toString().trim());
    for (let i = 0; i < 16; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      fillers.push(s);
      const connected = await Promise.race([once(s, 'connect').then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 300))]);
      if (!connected) break;
      assert.ok(i < 15, 'the accept queue never filled');
    }
    const gw = await gatewayFor(ruleFile({ stuck: { url: `http://127.0.0.1:${port}`, extra: ['timeouts: { connect: 300ms, first_byte: 5s }'] } }));
    try {
      const t0 = performance.now();
      const r = await send(gw.url, { body: JSON.stringify(messagesBody()) });
      const took = performance.now() - t0;
      assert.equal(r.status, 504);
      assert.match(errorOf(r.body).message, /did not accept a connection within 0\.3s/);
      assert.ok(took < 2000, `took ${took} ms`);
      assert.equal(await metricValue(gw, 'mmexec_upstream_errors_total', { upstream: 'stuck', kind: 'connect' }), 1);
    } finally {
      await gw.close();
    }
  });
});
