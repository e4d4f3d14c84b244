import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { startFakeMiniMax, type FakeMiniMax } from '../support/fake-minimax.js';
import { freePort } from '../support/free-port.js';
import { runCli, type CliResult } from '../support/run-cli.js';

const GOOD = 'doctor-good-key';

describe('mmexec doctor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-doctor-'));
  let anthropic: FakeAnthropic;
  let minimax: FakeMiniMax;
  let silent: Server;
  const sockets = new Set<Socket>();
  let silentPort = 0;
  let closedPort = 0;
  const env = { MMEXEC_HOME: join(dir, 'home'), DOC_BEARER: GOOD, DOC_XKEY: GOOD, DOC_MISSING: '', DOC_MM: 'mm-key' };

  /** Writes a config with the given upstreams (name → YAML flow mapping) and runs doctor on it. */
  const doctor = (upstreams: Record<string, string>, extra: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<CliResult> => {
    const lines = Object.entries(upstreams).map(([n, u]) => `  ${n}: ${u}`);
    writeFileSync(join(dir, 'doc.yaml'), `version: 1\nstate: { store: memory }\nupstreams:\n${lines.join('\n')}\nroutes:\n  - { name: all, upstream: ${Object.keys(upstreams)[0]} }\n`);
    return runCli(['doctor', '--config', 'doc.yaml', ...args], { cwd: dir, env: { ...env, ...extra } });
  };
  const line = (r: CliResult, name: string): string[] => r.stdout.split('\n').filter((l) => new RegExp(`^(ok {5}|problem)  ${name}: `).test(l));

  before(async () => {
    anthropic = await startFakeAnthropic({ acceptedKeys: [GOOD] });
    minimax = await startFakeMiniMax();
    closedPort = await freePort();
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(async () => {
    await anthropic.close();
    await minimax.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes an upstream that accepts its key, sent as the upstream would send it, and a passthrough one', async () => {
    const before = anthropic.requests.length;
    const r = await doctor({
      bearer: `{ url: "${anthropic.url}", auth: { key_env: DOC_BEARER, as: bearer } }`,
      xkey: `{ url: "${anthropic.url}", auth: { key_env: DOC_XKEY } }`,
      passthrough: `{ url: "${anthropic.url}", auth: passthrough }`,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok {7}config: doc\.yaml \(1 routes, 3 upstreams\)$/m);
    assert.deepEqual(line(r, 'bearer'), ['ok       bearer: DOC_BEARER is set', 'ok       bearer: answers and accepts the key in DOC_BEARER (GET /v1/models answered 200)']);
    assert.match(line(r, 'xkey')[1]!, /accepts the key in DOC_XKEY/);
    assert.deepEqual(line(r, 'passthrough'), ["ok       passthrough: reachable (GET /v1/models answered 401); it uses each client's own credentials, so there is no key to check"]);
    assert.match(r.stdout, /^all checks passed$/m);
    const seen = anthropic.requests.slice(before).map((q) => `${q.method} ${q.pathname} ${q.auth} ${q.credential ?? '-'}`).sort();
    assert.deepEqual(seen, [`GET /v1/models bearer ${GOOD}`, `GET /v1/models none -`, `GET /v1/models x-api-key ${GOOD}`]);
  });

  it('reports a key the upstream rejects with 401, naming the variable and not the key', async () => {
    const r = await doctor({ bearer: `{ url: "${anthropic.url}", auth: { key_env: DOC_BEARER, as: bearer } }` }, { DOC_BEARER: 'wrong-key' });
    assert.equal(r.code, 1);
    assert.match(line(r, 'bearer')[1]!, /^problem  bearer: rejects the key in DOC_BEARER \(GET \/v1\/models answered 401: invalid x-api-key\): set DOC_BEARER to a valid key/);
    assert.doesNotMatch(r.stdout, /wrong-key/);
    assert.match(r.stdout, /^1 problem$/m);
  });

  it('reports a key variable that is not set, and still checks that the upstream answers', async () => {
    const r = await doctor({ missing: `{ url: "${anthropic.url}", auth: { key_env: DOC_MISSING } }` });
    assert.equal(r.code, 1);
    assert.deepEqual(line(r, 'missing'), [
      'problem  missing: DOC_MISSING is not set: export it, or add it to .env',
      'ok       missing: reachable (GET /v1/models answered 401); its key is checked once DOC_MISSING is set',
    ]);
  });

  it('reports an upstream that is unreachable or does not answer in time', async () => {
    const started = Date.now();
    const r = await doctor({ down: `{ url: "http://127.0.0.1:${closedPort}", auth: passthrough }`, mute: `{ url: "http://127.0.0.1:${silentPort}", auth: passthrough }` }, {}, ['--timeout', '1s']);
    assert.equal(r.code, 1);
    assert.match(line(r, 'down')[0]!, new RegExp(`^problem  down: unreachable \\(ECONNREFUSED\\) at http://127\\.0\\.0\\.1:${closedPort}: check upstreams\\.down\\.url`));
    assert.match(line(r, 'mute')[0]!, /^problem  mute: no answer within 1s at /);
    assert.ok(Date.now() - started < 10_000, 'the checks run side by side within the timeout');
    assert.match(r.stdout, /^2 problems$/m);
  });

  it('keeps the base path of the upstream URL', async () => {
    const r = await doctor({ minimax: `{ url: "${minimax.url}", auth: { key_env: DOC_MM, as: bearer } }` });
    assert.equal(r.code, 0, r.stdout);
    assert.match(line(r, 'minimax')[1]!, /^ok {7}minimax: reachable and the key in DOC_MM is not rejected \(GET \/anthropic\/v1\/models answered 404/);
    assert.equal(minimax.requests.at(-1)?.pathname, '/anthropic/v1/models');
  });

  it('stops at an invalid rule file, one line per error', async () => {
    const r = await doctor({ a: '{ url: "not a url" }' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^problem  config: doc\.yaml:4:\d+ upstreams\.a\.url: invalid URL "not a url"/m);
  });
});
