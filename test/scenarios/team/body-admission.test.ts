import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { gatewayFor, rawUpstream, type RawUpstream } from '../../support/rule-file-gateway.js';

const KEY = 'team-key-0123456789abcdef';
const DECLARED = 25 * 1024 * 1024;

interface Trickle {
  status: number;
  body: string;
  /** Milliseconds from the first byte sent to the response. */
  ms: number;
  /** Whether the gateway closed the connection after answering. */
  closed: boolean;
  sent: number;
}

/**
 * Declares a 25 MB body and trickles 16 KB every 20 ms (never finishing), returning what the gateway
 * answers and whether it closed the connection; gives up after `waitMs`.
 */
function trickle(url: string, headers: Record<string, string>, waitMs = 3000): Promise<Trickle> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = connect(Number(port), hostname);
    let data = '';
    let sent = 0;
    let answeredAt: number | undefined;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const tick = setInterval(() => {
      if (socket.writable) socket.write(chunk, () => (sent += chunk.length));
    }, 20);
    const done = (closed: boolean): void => {
      clearInterval(tick);
      clearTimeout(giveUp);
      socket.destroy();
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1] ?? 0), body: rest.join('\r\n\r\n'), ms: (answeredAt ?? performance.now()) - t0, closed, sent });
    };
    const giveUp = setTimeout(() => done(false), waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      answeredAt ??= performance.now();
      data += c;
    });
    socket.on('error', () => done(true));
    socket.on('close', () => done(true));
    const lines = Object.entries({ host: 'x', 'content-type': 'application/json', 'content-length': String(DECLARED), ...headers }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`POST /v1/messages HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n{"model":"m","messages":[`);
  });
}

function team(upstreamAuth: string, bodyTimeout?: string): string {
  return [
    'version: 1',
    `server: { host: 127.0.0.1${bodyTimeout ? `, body_timeout: ${bodyTimeout}` : ''} }`,
    'state: { store: memory }',
    'clients:',
    `  - { name: dev, key: ${KEY} }`,
    'upstreams:',
    `  u: { url: "\${UP}", auth: ${upstreamAuth} }`,
    'routes:',
    '  - { name: all, upstream: u }',
  ].join('\n');
}

describe('team mode checks the key before reading the body, and bounds how long a body may take', () => {
  let up: RawUpstream;
  let passthrough: RunningGateway;
  let keyed: RunningGateway;
  let passthroughSlow: RunningGateway;
  let keyedSlow: RunningGateway;

  before(async () => {
    up = await rawUpstream((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    passthrough = await gatewayFor(team('passthrough'), { env: { UP: up.url } });
    keyed = await gatewayFor(team('{ key_env: UP_KEY }'), { env: { UP: up.url, UP_KEY: 'k' } });
    passthroughSlow = await gatewayFor(team('passthrough', '400ms'), { env: { UP: up.url } });
    keyedSlow = await gatewayFor(team('{ key_env: UP_KEY }', '400ms'), { env: { UP: up.url, UP_KEY: 'k' } });
  });

  after(async () => {
    await passthrough.close();
    await keyed.close();
    await passthroughSlow.close();
    await keyedSlow.close();
    await up.close();
  });

  const early: Array<[string, () => RunningGateway, Record<string, string>]> = [
    ['no key', () => passthrough, {}],
    ['a wrong x-mmexec-key', () => passthrough, { 'x-mmexec-key': 'wrong' }],
    ['a wrong x-api-key', () => keyed, { 'x-api-key': 'wrong' }],
    ['the right key as x-api-key when no upstream holds its own key', () => passthrough, { 'x-api-key': KEY }],
  ];
  for (const [what, gw, headers] of early) {
    it(`answers 401 to a 25 MB body with ${what} at once, and closes the connection`, async () => {
      const r = await trickle(gw().url, headers);
      assert.equal(r.status, 401, r.body);
      assert.match(r.body, /authentication_error/);
      assert.ok(r.ms < 1000, `answered after ${r.ms.toFixed(0)} ms`);
      assert.ok(r.closed, 'the connection stays open');
      assert.ok(r.sent < 4 * 1024 * 1024, `${r.sent} bytes were taken in`);
    });
  }

  it('turns 20 keyless trickling connections away at once', async () => {
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: 20 }, () => trickle(passthrough.url, {})));
    assert.deepEqual(all.map((r) => r.status), Array(20).fill(401));
    assert.ok(all.every((r) => r.closed));
    console.log(`# 20 keyless 25 MB uploads answered 401 within ${(performance.now() - t0).toFixed(0)} ms`);
  });

  for (const [what, gw, headers] of [
    ['x-mmexec-key', () => passthroughSlow, { 'x-mmexec-key': KEY }],
    ['x-api-key to an upstream with its own key', () => keyedSlow, { 'x-api-key': KEY }],
  ] as Array<[string, () => RunningGateway, Record<string, string>]>) {
    it(`gives an authenticated body (${what}) server.body_timeout to arrive, then 408 timeout_error`, async () => {
      const r = await trickle(gw().url, headers);
      assert.equal(r.status, 408, r.body);
      assert.equal((JSON.parse(r.body) as { error: { type: string; message: string } }).error.type, 'timeout_error');
      assert.match(r.body, /did not arrive within 0.4s \(server.body_timeout\)/);
      assert.ok(r.ms >= 350 && r.ms < 1500, `answered after ${r.ms.toFixed(0)} ms`);
      assert.ok(r.closed);
    });
  }
});
