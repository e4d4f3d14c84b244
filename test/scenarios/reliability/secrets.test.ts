import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { compileTextMatch, REGEX_INPUT_LIMIT } from '../../../src/match/text-match.js';
import type { RunningGateway } from '../../../src/server/start.js';
import { freePort } from '../../support/free-port.js';
import { captureLogs, gatewayFor, messagesBody, rawUpstream, ruleFile, send, writeRuleFile, type LogCapture, type RawUpstream } from '../../support/rule-file-gateway.js';

const CLIENT_KEY = 'sk-ant-api03-PLANTEDclientKEY0123456789abcdef';
const OAUTH_TOKEN = 'PLANTEDoauthTOKENqwertyuiop0987';
const UPSTREAM_KEY = 'PLANTEDupstreamKEYzxcvbnm5678';
const METRICS_TOKEN = 'PLANTEDmetricsTOKENasdfgh4321';
const PLANTED = [CLIENT_KEY, OAUTH_TOKEN, UPSTREAM_KEY, METRICS_TOKEN];

let up: RawUpstream;
let gw: RunningGateway;
let logs: LogCapture;
const dumpDir = mkdtempSync(join(tmpdir(), 'mmexec-dumps-'));
const outputs: string[] = [];
const upstreamSaw: string[] = [];

before(async () => {
  up = await rawUpstream((req, res) => {
    upstreamSaw.push(`${req.headers['x-api-key']} ${req.headers.authorization}`);
    req.resume();
    req.on('end', () => {
      const fail = req.headers['x-fail'] === '1';
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json' });
      res.end(fail ? '{"type":"error","error":{"type":"api_error","message":"upstream broke"}}' : '{"type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"ok"}],"usage":{"input_tokens":1,"output_tokens":1}}');
    });
  });
  logs = captureLogs();
  const dead = `http://127.0.0.1:${await freePort()}`;
  const routes = ['  - name: keyed', '    when: { header: { name: x-to, equals: keyed } }', '    upstream: keyed', '  - name: nokey', '    when: { header: { name: x-to, equals: nokey } }', '    upstream: nokey', '  - name: dead', '    when: { header: { name: x-to, equals: dead } }', '    upstream: dead', '  - name: default', '    upstream: pass'];
  const config = ruleFile(
    {
      pass: { url: up.url },
      keyed: { url: up.url, extra: ['auth: { key_env: PLANTED_UPSTREAM_KEY, as: bearer }'] },
      nokey: { url: up.url, extra: ['auth: { key_env: UNSET_UPSTREAM_KEY }'] },
      dead: { url: dead },
    },
    { routes, server: ['metrics_token: ${METRICS_TOKEN}'] },
  );
  gw = await gatewayFor(config, { logger: logs.logger, env: { PLANTED_UPSTREAM_KEY: UPSTREAM_KEY, METRICS_TOKEN, DEBUG: '2', MMEXEC_DEBUG_DIR: dumpDir } });
});
after(async () => {
  await gw.close();
  await up.close();
});

/** Sends a request and keeps everything the client saw. */
async function call(opts: Parameters<typeof send>[1]): Promise<number> {
  const r = await send(gw.url, opts);
  outputs.push(JSON.stringify(r.headers), r.body);
  return r.status;
}

describe('secrets', () => {
  it('keeps planted keys out of logs, debug dumps, error messages, /healthz and metrics', async () => {
    const auth = { 'x-api-key': CLIENT_KEY, authorization: `Bearer ${OAUTH_TOKEN}`, 'anthropic-version': '2023-06-01' };
    const body = JSON.stringify(messagesBody({ metadata: { user_id: JSON.stringify({ session_id: 'planted-session', api_key: CLIENT_KEY }) } }));
    assert.equal(await call({ body, headers: auth }), 200);
    assert.equal(await call({ body: JSON.stringify(messagesBody({ stream: true })), headers: auth }), 200);
    assert.equal(await call({ body, headers: { ...auth, 'x-to': 'keyed' } }), 200);
    assert.equal(await call({ body, headers: { ...auth, 'x-fail': '1' } }), 500);
    assert.equal(await call({ body, headers: { ...auth, 'x-to': 'nokey' } }), 402);
    assert.equal(await call({ body, headers: { ...auth, 'x-to': 'dead' } }), 502);
    assert.equal(await call({ body: `{"messages": "${CLIENT_KEY}"}`, headers: auth }), 400);
    assert.equal(await call({ body: 'not json', headers: { ...auth, 'x-claude-code-session-id': `../${CLIENT_KEY}` } }), 400);
    assert.equal(await call({ body, headers: { ...auth, 'x-claude-code-session-id': `../${CLIENT_KEY}` } }), 400);
    assert.equal(await call({ method: 'GET', path: '/healthz' }), 200);
    assert.equal(await call({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } }), 200);
    assert.equal(await call({ method: 'GET', path: '/metrics', headers: { authorization: 'Bearer wrong' } }), 401);
    await call({ method: 'GET', path: '/status', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });

    // The keys were really in play: the upstream got the client's key and, on the keyed route, its own.
    assert.ok(upstreamSaw.some((s) => s.includes(CLIENT_KEY)));
    assert.ok(upstreamSaw.some((s) => s === `undefined Bearer ${UPSTREAM_KEY}`));
    assert.ok(logs.lines.length >= 10, 'too few log lines to prove anything');
    const dumps = readdirSync(dumpDir).map((f) => readFileSync(join(dumpDir, f), 'utf8'));
    assert.ok(dumps.length > 0, 'DEBUG=2 wrote no dumps');
    const everything: Array<[string, string]> = [...logs.lines.map((l): [string, string] => ['log', l]), ...dumps.map((d): [string, string] => ['dump', d]), ...outputs.map((o): [string, string] => ['response', o])];
    for (const [where, text] of everything) {
      for (const secret of PLANTED) assert.ok(!text.includes(secret), `${where} leaks ${secret.slice(0, 12)}…: ${text.slice(0, 400)}`);
    }
    assert.ok(outputs.some((o) => o.includes('UNSET_UPSTREAM_KEY')), 'the missing-key error names the variable');
  });
});

describe('trigger regexes', () => {
  const load = (regex: string): void => {
    compilePlan(loadConfig(writeRuleFile(ruleFile({ u: { url: 'http://127.0.0.1:9' } }, { routes: ['  - name: r', `    when: { last_user_text: { regex: '${regex}' } }`, '    upstream: u'] })), { env: {} }), {});
  };
  for (const re of ['(a)\\1', '(?<n>a)\\k<n>', 'x(?=y)', 'x(?!y)', '(?<=x)y', '(?<!x)y']) {
    it(`rejects /${re}/ at load with its place: the linear-time engine cannot run it`, () => {
      assert.throws(() => load(re), (err: unknown) => err instanceof ConfigError && /routes\[0\]/.test(err.message) && /at character \d+ is not supported/.test(err.message));
    });
  }

  it('accepts the shipped trigger patterns', () => {
    load('^\\s*mmexec(\\s|$)');
    load('^\\s*mm(exec|release|status)(\\s|$)');
  });

  it('runs an accepted regex on a bounded prefix of a huge text quickly', () => {
    const match = compileTextMatch({ regex: '^\\s*(\\w+\\s?)*$' });
    assert.equal(typeof match, 'function');
    if (typeof match === 'string') return;
    const t0 = performance.now();
    match(`${'word '.repeat(200_000)}!`);
    assert.ok(performance.now() - t0 < 1000);
  });

  it('finds a trigger only within the first REGEX_INPUT_LIMIT characters', () => {
    const match = compileTextMatch({ regex: 'needle' });
    assert.equal(typeof match, 'function');
    const m = match as (t: string) => unknown;
    assert.ok(m(`${'x'.repeat(REGEX_INPUT_LIMIT - 10)}needle`));
    assert.equal(m(`${'x'.repeat(REGEX_INPUT_LIMIT)}needle`), undefined);
  });
});
