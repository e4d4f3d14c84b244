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
import type { RunningGateway } from '../../src/server/start.js';
import { captureLogs, closed, errorOf, eventWithin, gatewayFor, messagesBody, metricValue, rawUpstream, requestLines, requestLogAfter, ruleFile, send, sseMessage, type LogCapture, type RawUpstream } from './harness.js';

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
