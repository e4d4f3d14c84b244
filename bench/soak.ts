/**
 * A bounded soak on loopback: N requests plus M concurrent streams through an in-process gateway, with random
 * client aborts and upstream faults (500s, resets, cut and idle streams). Reports crashes, unhandled
 * rejections, requests left hanging, in-flight leftovers and memory before/after. Exit code 1 on any failure.
 * Run: npm run soak -- [--requests 20000] [--streams 300] [--concurrency 64]
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startGateway } from '../src/server/start.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const REQUESTS = arg('requests', 20_000);
const STREAMS = arg('streams', 300);
const CONCURRENCY = arg('concurrency', 64);
const HANG_MS = 30_000;

let unhandled = 0;
process.on('unhandledRejection', (e) => (unhandled++, console.error('unhandled rejection', e)));
process.on('uncaughtException', (e) => (unhandled++, console.error('uncaught exception', e)));

const ev = (event: string, data: object): string => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
const start = ev('message_start', { message: { id: 'msg_s', type: 'message', role: 'assistant', model: 'm', content: [], usage: { input_tokens: 5, output_tokens: 1 } } });
const delta = ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'soak '.repeat(20) } });
const tail = ev('content_block_stop', { index: 0 }) + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }) + ev('message_stop', {});
const json = JSON.stringify({ type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 3, output_tokens: 1 } });

/** The fake upstream: behaviour picked from the request's x-soak header. */
function upstream(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const mode = String(req.headers['x-soak']);
  req.on('end', () => {
    if (mode === 'reset') return req.socket.destroy();
    if (mode === '500') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"api_error","message":"boom"}}');
    if (mode === 'json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(json);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(start + ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    let n = 0;
    const events = mode === 'stream' ? 20 : 4;
    const tick = setInterval(() => {
      if (res.destroyed) return clearInterval(tick);
      if (n++ < events) return void res.write(delta);
      clearInterval(tick);
      if (mode === 'cut') res.socket?.destroy();
      else if (mode === 'idle') return; // held open: the gateway's idle timeout ends it
      else res.end(tail);
    }, mode === 'stream' ? 25 : 2);
  });
}

const pick = (table: Array<[string, number]>): string => {
  let r = Math.random();
  for (const [k, p] of table) if ((r -= p) < 0) return k;
  return table[0]![0];
};
const REQUEST_MIX: Array<[string, number]> = [['json', 0.6], ['short', 0.2], ['500', 0.06], ['reset', 0.06], ['cut', 0.05], ['idle', 0.03]];
const STREAM_MIX: Array<[string, number]> = [['stream', 0.85], ['cut', 0.1], ['reset', 0.05]];

const outcomes = new Map<string, number>();
const count = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
let hanging = 0;

/** One client request; resolves when it ended in any way. Aborts after `abortMs` when given. */
function one(url: string, agent: Agent, mode: string, abortMs: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 32, stream: mode !== 'json' && mode !== '500', messages: [{ role: 'user', content: 'soak' }] });
    const hang = setTimeout(() => (hanging++, req.destroy(), resolve()), HANG_MS);
    let ended = false;
    const done = (k: string): void => {
      if (ended) return;
      ended = true;
      clearTimeout(hang);
      count(k);
      resolve();
    };
    const req = request(`${url}/v1/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-soak': mode } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text = (text + c).slice(-300)));
      res.on('end', () => done(`${res.statusCode} ${text.includes('message_stop') ? 'complete' : text.includes('event: error') ? 'sse-error' : res.statusCode === 200 ? 'json' : 'error-json'}`));
      res.on('error', () => done('client-aborted'));
      res.on('aborted', () => done('client-aborted'));
    });
    req.on('error', () => done('client-aborted'));
    req.end(body);
    if (abortMs !== undefined) setTimeout(() => req.destroy(), abortMs);
  });
}

async function pool(total: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < total) await job(next++);
  }));
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function main(): Promise<void> {
  const up = createServer(upstream);
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
  const upUrl = `http://127.0.0.1:${(up.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-soak-'));
  const configPath = join(dir, 'mmexec.yaml');
  writeFileSync(configPath, `version: 1\nserver: { host: 127.0.0.1 }\nstate: { store: memory }\nupstreams:\n  up:\n    url: ${upUrl}\n    timeouts: { first_byte: 5s, idle: 500ms }\nroutes:\n  - name: all\n    upstream: up\n`);
  const gw = await startGateway({ configPath, env: {}, port: 0, silent: true });
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  // Warm up so the baseline includes loaded modules and JIT state.
  await pool(500, 16, () => one(gw.url, agent, 'json', undefined));
  outcomes.clear();
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();

  const requests = pool(REQUESTS, CONCURRENCY, () => one(gw.url, agent, pick(REQUEST_MIX), Math.random() < 0.05 ? Math.random() * 20 : undefined));
  const streams = pool(STREAMS, STREAMS, () => one(gw.url, agent, pick(STREAM_MIX), Math.random() < 0.2 ? 50 + Math.random() * 400 : undefined));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  await Promise.all([requests, streams]);
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;

  // Everything the clients ended must be over inside the gateway too, and nothing may stay open upstream.
  for (let i = 0; i < 100 && gw.gateway.inflight.size > 0; i++) await new Promise((r) => setTimeout(r, 50));
  const inflight = gw.gateway.inflight.size;
  agent.destroy();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const afterMem = process.memoryUsage();
  // The gateway's keep-alive pool may hold idle upstream sockets; once it is closed, none may remain.
  await gw.close();
  await new Promise((r) => setTimeout(r, 200));
  const upstreamOpen = await new Promise<number>((r) => up.getConnections((_e, n) => r(n)));

  await new Promise<void>((r) => up.close(() => r()));
  const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
  console.log(`soak: ${REQUESTS} requests (concurrency ${CONCURRENCY}) + ${STREAMS} concurrent streams in ${seconds.toFixed(1)} s`);
  console.log(`  ended: ${total} of ${REQUESTS + STREAMS}; hanging: ${hanging}; still in flight in the gateway: ${inflight}; upstream connections left: ${upstreamOpen}`);
  console.log(`  unhandled rejections/exceptions: ${unhandled}`);
  console.log(`  outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  console.log(`  heap used: ${mb(before.heapUsed)} before, ${mb(afterMem.heapUsed)} after; rss ${mb(before.rss)} before, ${mb(peak)} peak, ${mb(afterMem.rss)} after${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for settled figures)'}`);
  const failed = hanging > 0 || inflight > 0 || upstreamOpen > 0 || unhandled > 0 || total !== REQUESTS + STREAMS || afterMem.heapUsed > before.heapUsed + 50 * 1024 * 1024;
  console.log(failed ? 'soak: FAILED' : 'soak: ok');
  process.exit(failed ? 1 : 0);
}

void main();
