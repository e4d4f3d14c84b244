import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { compilePlan } from '../../../src/plan/compile.js';
import type { Plan } from '../../../src/plan/types.js';
import { startGateway } from '../../../src/server/start.js';
import { isLoopback, unsafeBinding } from '../../../src/server/safe-binding.js';
import { ask, CLASSIC_RULES, clientHeaders, errorMessage, KEYS, metric, METRICS_TOKEN, startTeam, type TeamSetup } from '../../support/team-gateway.js';

const BACKEND_HASH = createHash('sha256').update(KEYS.backend).digest('hex');

/** A single-replica team config on the memory store; the backend key is stored only as its hash. */
const YAML = `
version: 1
server: { metrics_token: "\${MMEXEC_METRICS_TOKEN}" }
state: { store: memory }
clients:
  - { name: frontend, key: "\${MMEXEC_KEY_FRONTEND}" }
  - { name: backend, key_sha256: ${BACKEND_HASH} }
upstreams:
  anthropic: { url: "\${ANTHROPIC_UPSTREAM_URL}", provider: anthropic, auth: passthrough }
  minimax: { url: "\${MINIMAX_BASE_URL}", auth: { key_env: MINIMAX_API_KEY, as: bearer }, model: MiniMax-M2.7 }
  own-key: { url: "\${ANTHROPIC_UPSTREAM_URL}", provider: anthropic, auth: { key_env: GATEWAY_ANTHROPIC_KEY, as: x-api-key } }
routes:
  - { name: gateway-keyed, when: { last_user_text: { prefix: "keyed" } }, upstream: own-key }
  - include: ${CLASSIC_RULES}
`;

describe('client keys', () => {
  let team: TeamSetup;
  before(async () => {
    team = await startTeam({ yaml: YAML, replicas: 1, env: { GATEWAY_ANTHROPIC_KEY: 'sk-ant-gateway-key' } });
  });
  after(() => team.close());
  const gw = (): TeamSetup['replicas'][number] => team.replicas[0]!;
  const upstreamCalls = (): number => team.anthropic.requests.length + team.minimax.requests.length;

  const rejected: Array<[string, Record<string, string>]> = [
    ['no key at all', { 'anthropic-version': '2023-06-01' }],
    ['only its own Anthropic key', clientHeaders(undefined)],
    ['a wrong x-mmexec-key', { ...clientHeaders(undefined), 'x-mmexec-key': 'fe-key-0123456789abcdeX' }],
    ['an empty x-mmexec-key', { ...clientHeaders(undefined), 'x-mmexec-key': '' }],
    ['a valid key as x-api-key on a passthrough upstream', { 'x-api-key': KEYS.frontend, 'anthropic-version': '2023-06-01' }],
  ];
  for (const [what, headers] of rejected) {
    it(`answers 401 authentication_error to a request with ${what}, reaching no upstream`, async () => {
      const before_ = upstreamCalls();
      const res = await ask(gw(), 'hello', headers);
      assert.equal(res.status, 401);
      assert.equal((res.json as { error: { type: string } }).error.type, 'authentication_error');
      assert.match(errorMessage(res.json), /x-mmexec-key/);
      assert.equal(upstreamCalls(), before_, 'no upstream saw the request');
    });
  }

  it('passes a valid x-mmexec-key request with the client own credentials, without the gateway key', async () => {
    const res = await ask(gw(), 'hello', clientHeaders('frontend', 's-own'));
    assert.equal(res.status, 200, res.text);
    const seen = team.anthropic.requests.at(-1)!;
    assert.equal(seen.credential, 'sk-ant-own-key');
    assert.equal(seen.headers['x-mmexec-key'], undefined, 'the gateway key is never forwarded');
  });

  it('accepts a client whose key is configured only as a SHA-256 hash', async () => {
    const res = await ask(gw(), 'hello', clientHeaders('backend'));
    assert.equal(res.status, 200, res.text);
  });

  it('accepts the client key as x-api-key or bearer when the upstream holds its own key, and replaces it', async () => {
    const variants: Array<Record<string, string>> = [{ 'x-api-key': KEYS.frontend }, { authorization: `Bearer ${KEYS.backend}` }];
    for (const headers of variants) {
      const res = await ask(gw(), 'keyed request', { ...headers, 'anthropic-version': '2023-06-01' });
      assert.equal(res.status, 200, res.text);
      assert.equal(team.anthropic.requests.at(-1)!.credential, 'sk-ant-gateway-key');
    }
    // In its own session: without one the trigger would make the whole frontend client sticky for later tests.
    const res = await ask(gw(), 'mmexec do it', { authorization: `Bearer ${KEYS.frontend}`, 'anthropic-version': '2023-06-01', 'x-claude-code-session-id': 's-keyed-trigger' });
    assert.equal(res.status, 200, res.text);
    assert.equal(team.minimax.requests.at(-1)!.credential, 'mm-gateway-key');
  });

  it('labels request, token and cost metrics and log lines with the client name', async () => {
    await ask(gw(), 'hello', clientHeaders('frontend'));
    await ask(gw(), 'hello', clientHeaders('backend'));
    for (const client of ['frontend', 'backend']) {
      assert.ok((await metric(gw(), 'mmexec_requests_total', { client, status: '200' })) >= 1, `requests of ${client}`);
      assert.ok((await metric(gw(), 'mmexec_tokens_total', { client })) > 0, `tokens of ${client}`);
      assert.ok((await metric(gw(), 'mmexec_cost_usd_total', { client })) > 0, `cost of ${client}`);
    }
    const lines = team.logs.filter((l) => l.message.startsWith('POST /v1/messages 200'));
    assert.ok(lines.some((l) => l.client === 'frontend') && lines.some((l) => l.client === 'backend'));
  });

  it('requires the metrics bearer token when one is configured', async () => {
    assert.equal((await fetch(`${gw().url}/metrics`)).status, 401);
    assert.equal((await fetch(`${gw().url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status, 401);
    assert.equal((await fetch(`${gw().url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
  });
});

describe('safe binding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-binding-'));
  const file = join(dir, 'mmexec.yaml');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const plan = (yaml: string): Plan => {
    writeFileSync(file, yaml);
    return compilePlan(loadConfig(file, { env: { U: 'http://127.0.0.1:1' } })).plan;
  };
  const open = `version: 1\nstate: { store: memory }\nupstreams: { a: { url: "\${U}" } }\nroutes: [{ name: all, upstream: a }]\n`;

  it('refuses to start on a non-loopback address without clients, saying how to add keys', async () => {
    writeFileSync(file, open);
    await assert.rejects(
      startGateway({ configPath: file, env: { U: 'http://127.0.0.1:1' }, host: '0.0.0.0', port: 0, silent: true }),
      (err: Error) => /refusing to listen on 0\.0\.0\.0/.test(err.message) && /clients:/.test(err.message) && /x-mmexec-key/.test(err.message),
    );
  });

  it('allows a non-loopback address with clients or allow_unauthenticated, and loopback always', () => {
    assert.match(unsafeBinding(plan(open), '10.1.2.3') ?? '', /allow_unauthenticated/);
    assert.equal(unsafeBinding(plan(open.replace('version: 1\n', 'version: 1\nserver: { allow_unauthenticated: true }\n')), '0.0.0.0'), undefined);
    assert.equal(unsafeBinding(plan(`${open}clients: [{ name: x, key: "0123456789abcdef0" }]\n`), '0.0.0.0'), undefined);
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(h), true, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.4', 'example.com']) assert.equal(isLoopback(h), false, h);
  });
});
