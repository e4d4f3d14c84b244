import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../support/free-port.js';
import { errorOf, eventWithin, messagesBody, rawUpstream, ruleFile, send, sseMessage, writeRuleFile, type RawUpstream } from '../../support/rule-file-gateway.js';

let up: RawUpstream;
const children: ChildProcess[] = [];

before(async () => {
  up = await rawUpstream();
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await up.close();
});

/** Runs `node bin/mmexec.js serve` on a free port; resolves once it listens. */
async function serve(grace: string): Promise<{ child: ChildProcess; url: string; stderr: () => string; exited: Promise<[number | null, string | null]> }> {
  const port = await freePort();
  const config = writeRuleFile(ruleFile({ up: { url: up.url, extra: ['timeouts: { idle: 60s }'] } }, { server: [`shutdown_grace: ${grace}`] }));
  const child = spawn(process.execPath, ['bin/mmexec.js', 'serve', '--config', config, '--port', String(port), '--log-format', 'json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const listening = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', () => err.includes('listening on') && resolve());
    void exited.then(([code]) => reject(new Error(`mmexec exited with ${code} before listening:\n${err}`)));
  });
  await eventWithin(listening, 20_000, 'mmexec serve to listen');
  const url = `http://127.0.0.1:${port}`;
  // The "listening" line is written a moment before the signal handlers are installed; one answered
  // request proves the process is past that point.
  assert.equal((await send(url, { method: 'GET', path: '/healthz' })).status, 200);
  return { child, url, stderr: () => err, exited };
}

/** Opens a streaming request and resolves once its head arrived, collecting the body as it comes. */
async function openStream(url: string): Promise<{ res: IncomingMessage; text: () => string; ended: Promise<void> }> {
  const req = request(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
  req.end(JSON.stringify(messagesBody({ stream: true })));
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  res.on('data', (c: Buffer) => (text += c.toString()));
  const ended = new Promise<void>((resolve) => {
    res.once('end', resolve);
    res.once('error', () => resolve());
    res.once('aborted', resolve);
  });
  return { res, text: () => text, ended };
}

describe('graceful shutdown of mmexec serve', { timeout: 60_000 }, () => {
  it('on SIGTERM answers /healthz 503 draining, refuses new work, lets the stream finish and exits 0', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = sseMessage('finished in time');
      res.write(events.slice(0, 2).join(''));
      void released.then(() => res.end(events.slice(2).join('')));
    };
    const gw = await serve('10s');
    const stream = await openStream(gw.url);
    gw.child.kill('SIGTERM');
    await eventWithin(new Promise<void>((r) => gw.child.stderr!.on('data', () => gw.stderr().includes('draining') && r())), 5000, 'the drain to start');
    const health = await send(gw.url, { method: 'GET', path: '/healthz' });
    assert.equal(health.status, 503);
    assert.equal((JSON.parse(health.body) as { status: string }).status, 'draining');
    const fresh = await send(gw.url, { body: JSON.stringify(messagesBody()) });
    assert.equal(fresh.status, 503);
    assert.equal(errorOf(fresh.body).type, 'overloaded_error');
    assert.equal(gw.child.exitCode, null, 'exited while a stream was in flight');
    release();
    await stream.ended;
    assert.match(stream.text(), /event: message_stop/);
    assert.ok(!stream.text().includes('event: error'));
    const [code, signal] = await eventWithin(gw.exited, 10_000, 'mmexec to exit');
    assert.equal(signal, null);
    assert.equal(code, 0);
  });

  it('on SIGINT closes a stream still running at the deadline with an SSE error event and exits 0', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseMessage().slice(0, 3).join(''));
    };
    const gw = await serve('600ms');
    const stream = await openStream(gw.url);
    const t0 = performance.now();
    gw.child.kill('SIGINT');
    await eventWithin(stream.ended, 10_000, 'the stream to be closed');
    const took = performance.now() - t0;
    assert.ok(took >= 550, `closed after ${took} ms, before the grace period`);
    assert.match(stream.text(), /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":"the gateway is shutting down"\}\}\n\n$/);
    assert.ok(!stream.text().includes('message_stop'));
    const [code] = await eventWithin(gw.exited, 10_000, 'mmexec to exit');
    assert.equal(code, 0);
  });

  it('answers a request still waiting for its upstream at the deadline with 503 and exits 0', async () => {
    const asked = new Promise<void>((r) => (up.handler = () => r()));
    const gw = await serve('300ms');
    const pending = send(gw.url, { body: JSON.stringify(messagesBody()) });
    await eventWithin(asked, 5000, 'the upstream to be asked');
    gw.child.kill('SIGTERM');
    const r = await pending;
    assert.equal(r.status, 503);
    assert.equal(errorOf(r.body).type, 'overloaded_error');
    const [code] = await eventWithin(gw.exited, 10_000, 'mmexec to exit');
    assert.equal(code, 0);
  });

  it('exits 0 at once on SIGTERM when nothing is in flight', async () => {
    const gw = await serve('30s');
    const t0 = performance.now();
    gw.child.kill('SIGTERM');
    const [code] = await eventWithin(gw.exited, 10_000, 'mmexec to exit');
    assert.equal(code, 0);
    assert.ok(performance.now() - t0 < 5000);
  });
});
