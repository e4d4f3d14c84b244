import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../../src/server/start.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { minimaxError, startFakeMiniMax, type FakeMiniMax } from '../../support/fake-minimax.js';
import { errorOf, send } from '../../support/rule-file-gateway.js';

let mm: FakeMiniMax;
let anthropic: FakeAnthropic;
let gw: RunningGateway;

before(async () => {
  mm = await startFakeMiniMax();
  anthropic = await startFakeAnthropic();
  // The default rule file, as shipped: only the upstream URLs, key and state dir come from the environment.
  gw = await startGateway({
    configPath: resolve('mmexec.yaml'),
    env: { MINIMAX_BASE_URL: mm.url, MINIMAX_API_KEY: 'mm-test-key', ANTHROPIC_UPSTREAM_URL: anthropic.url, MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-remap-')) },
    port: 0,
    silent: true,
  });
});
after(async () => {
  await gw.close();
  await mm.close();
  await anthropic.close();
});

const request = (stream: boolean): { body: string; headers: Record<string, string> } => ({
  body: JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 64, stream, messages: [{ role: 'user', content: 'mmexec write a haiku' }] }),
  headers: { 'x-api-key': 'client-key', 'anthropic-version': '2023-06-01', 'x-claude-code-session-id': `remap-${stream}` },
});

describe("MiniMax errors in the default rules (the minimax-m2 profile's error map)", () => {
  // 402: what Claude Code shows once, never retries and never turns into its "/login" hint (see src/profiles/error-map.ts).
  const cases: Array<[number, number, string, RegExp]> = [
    [1008, 402, 'billing_error', /\(mmexec: the MiniMax account of the key in MINIMAX_API_KEY has no balance or credit left: top it up\)$/],
    [2061, 402, 'permission_error', /does not allow the model MiniMax-M2\.7 for the key in MINIMAX_API_KEY: choose another with upstreams\.minimax\.model/],
    [2013, 400, 'invalid_request_error', /`mmexec explain` shows what the "minimax-m2" profile sends/],
    [1026, 400, 'invalid_request_error', /content filter/],
  ];
  for (const stream of [false, true]) {
    for (const [code, status, type, hint] of cases) {
      it(`maps MiniMax ${code} sent as HTTP 500 to ${status} ${type} naming the setting to fix${stream ? ' on a streaming request' : ''}`, async () => {
        mm.setScript({ error: minimaxError(code) });
        const r = await send(gw.url, request(stream));
        assert.equal(r.status, status);
        const e = errorOf(r.body);
        assert.equal(e.type, type);
        assert.ok(e.message.startsWith(minimaxError(code).message), e.message);
        assert.match(e.message, hint);
        assert.equal(r.headers['x-should-retry'], 'false');
        assert.equal(r.headers['retry-after'], undefined);
        assert.match(String(r.headers['content-type']), /application\/json/);
        assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
      });
    }
    for (const code of [2049, 1004]) {
      it(`turns MiniMax's key error ${code} sent as HTTP 500 into a 402 naming MINIMAX_API_KEY${stream ? ' on a streaming request' : ''}`, async () => {
        mm.setScript({ error: minimaxError(code) });
        const r = await send(gw.url, request(stream));
        assert.equal(r.status, 402);
        const e = errorOf(r.body);
        assert.equal(e.type, 'authentication_error');
        assert.equal(e.message, `MiniMax rejected the key in MINIMAX_API_KEY (${minimaxError(code).message}). Set a valid MiniMax key in MINIMAX_API_KEY where the gateway runs and restart it.`);
        assert.equal(r.headers['x-should-retry'], 'false');
      });
    }
  }

  it('turns the HTTP 401 MiniMax sends for a wrong key into a 402 naming MINIMAX_API_KEY', async () => {
    mm.setScript({ error: { status: 401, type: 'authentication_error', message: "login fail: Please carry the API secret key in the 'Authorization' field of the request header (1004)" } });
    const r = await send(gw.url, request(true));
    assert.equal(r.status, 402);
    const e = errorOf(r.body);
    assert.equal(e.type, 'authentication_error');
    assert.match(e.message, /^MiniMax rejected the key in MINIMAX_API_KEY \(login fail: .*\(1004\)\)\. Set a valid MiniMax key in MINIMAX_API_KEY/);
    assert.equal(r.headers['x-should-retry'], 'false');
  });

  it('never lets the message say "x-api-key", which Claude Code replaces with its own API-key hint', async () => {
    mm.setScript({ error: { status: 401, type: 'authentication_error', message: 'invalid X-Api-Key' } });
    const e = errorOf((await send(gw.url, request(false))).body);
    assert.doesNotMatch(e.message, /x-api-key/i);
    assert.match(e.message, /invalid API key header/);
  });

  it('answers the rate limit 1002 as a retryable 429 with retry-after in whole seconds', async () => {
    mm.setScript({ error: minimaxError(1002) });
    const r = await send(gw.url, request(false));
    assert.equal(r.status, 429);
    assert.equal(errorOf(r.body).type, 'rate_limit_error');
    assert.equal(r.headers['retry-after'], '5');
    assert.equal(r.headers['x-should-retry'], undefined);
  });

  it("rounds the provider's own fractional retry-after up to whole seconds", async () => {
    mm.setScript({ error: { ...minimaxError(1002), headers: { 'retry-after': '2.2' } } });
    const r = await send(gw.url, request(false));
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '3');
  });

  for (const code of [1000, 1024]) {
    it(`leaves the retryable MiniMax ${code} a 500 api_error, with a retry-after`, async () => {
      mm.setScript({ error: minimaxError(code) });
      const r = await send(gw.url, request(false));
      assert.equal(r.status, 500);
      assert.equal(errorOf(r.body).type, 'api_error');
      assert.equal(errorOf(r.body).message, minimaxError(code).message);
      assert.equal(r.headers['retry-after'], '5');
      assert.equal(r.headers['x-should-retry'], undefined);
    });
  }

  it('does not remap an Anthropic 500 that mentions a number', async () => {
    anthropic.setScript({ error: { status: 500, type: 'api_error', message: 'internal error (1008)' } });
    const r = await send(gw.url, { body: JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }), headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } });
    assert.equal(r.status, 500);
    anthropic.setScript(undefined);
  });
});
