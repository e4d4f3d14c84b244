import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { wholeSeconds } from '../../../src/profiles/error-map.js';
import type { ScriptedError } from '../../support/fake-upstream-common.js';
import { startFakeProvider, type FakeProvider } from '../../support/fake-provider.js';
import { post, startTestGateway, userBody, type TestGateway } from '../../support/gateway.js';
import { RULES } from '../../support/provider-rules.js';

const PROFILES = ['deepseek', 'kimi', 'glm', 'qwen', 'ollama', 'openrouter'] as const;
type Name = (typeof PROFILES)[number];

describe("each profile maps its provider's failures", () => {
  const fakes = {} as Record<Name, FakeProvider>;
  let gw: TestGateway;
  before(async () => {
    for (const p of PROFILES) fakes[p] = await startFakeProvider({ rules: RULES[p]!, check: () => null });
    const upstreams = PROFILES.map((p) => `  ${p}:\n    url: "${fakes[p].url}"\n    model: ${p}-model\n    profile: ${p}\n    auth: { key_env: ${p.toUpperCase()}_KEY, as: bearer }`).join('\n');
    const routes = PROFILES.map((p) => `  - name: ${p}\n    when: { header: { name: x-to, equals: ${p} } }\n    upstream: ${p}`).join('\n');
    const env = Object.fromEntries(PROFILES.map((p) => [`${p.toUpperCase()}_KEY`, 'k']));
    gw = await startTestGateway(`version: 1\nstate: { store: memory }\nupstreams:\n${upstreams}\nroutes:\n${routes}\n`, { env });
  });
  after(async () => {
    await gw.close();
    for (const p of PROFILES) await fakes[p].close();
  });

  const cases: Array<[Name, ScriptedError, number, string, RegExp | undefined]> = [
    ['deepseek', { status: 401, type: 'authentication_error', message: 'Authentication Fails' }, 402, 'authentication_error', /^DeepSeek rejected the key in DEEPSEEK_KEY \(Authentication Fails\)\. Set a valid DeepSeek key in DEEPSEEK_KEY/],
    ['deepseek', { status: 402, type: 'invalid_request_error', message: 'Insufficient Balance' }, 402, 'billing_error', /has no balance or credit left/],
    ['deepseek', { status: 422, type: 'invalid_request_error', message: 'Invalid Parameters' }, 400, 'invalid_request_error', /"deepseek" profile/],
    ['kimi', { status: 403, type: 'exceeded_current_quota_error', message: 'insufficient balance' }, 402, 'billing_error', /MOONSHOT|KIMI_KEY/],
    ['kimi', { status: 400, type: 'content_filter', message: 'The request was rejected because it was considered high risk' }, 400, 'invalid_request_error', /content filter/],
    ['glm', { status: 429, type: 'error', message: 'Your account is in arrears, please recharge and try again (1113)' }, 402, 'billing_error', /GLM_KEY/],
    ['glm', { status: 400, type: 'error', message: 'Model does not exist, please check the model code (1211)' }, 404, 'not_found_error', /upstreams\.glm\.model/],
    ['qwen', { status: 400, type: 'Arrearage', message: 'Access denied, please make sure your account is in good standing.' }, 402, 'billing_error', /QWEN_KEY/],
    ['ollama', { status: 404, type: 'not_found_error', message: "model 'ollama-model' not found" }, 404, 'not_found_error', /does not serve the model ollama-model/],
    ['openrouter', { status: 402, type: 'error', message: 'Insufficient credits' }, 402, 'billing_error', /OPENROUTER_KEY/],
    ['openrouter', { status: 429, type: 'error', message: 'Rate limited', headers: { 'retry-after': '1.5' } }, 429, 'rate_limit_error', undefined],
    ['openrouter', { status: 503, type: 'error', message: 'No available provider' }, 529, 'overloaded_error', undefined],
  ];
  for (const [p, error, status, type, hint] of cases) {
    it(`${p}: ${error.status} "${error.message.slice(0, 40)}" becomes ${status} ${type}`, async () => {
      fakes[p].setScript({ error });
      const r = await post(`${gw.url}/v1/messages`, userBody('hi'), { 'x-to': p });
      assert.equal(r.status, status, r.text);
      const e = (r.json as { error: { type: string; message: string } }).error;
      assert.equal(e.type, type);
      assert.ok(e.message.includes(error.message), e.message);
      if (hint) {
        assert.match(e.message, hint);
        assert.equal(r.headers.get('x-should-retry'), 'false');
      } else {
        assert.match(r.headers.get('retry-after') ?? '', /^\d+$/, 'retry-after in whole seconds');
        if (error.headers?.['retry-after']) assert.equal(r.headers.get('retry-after'), '2', "the provider's own delay, rounded up");
      }
    });
  }

  it('passes an error no rule covers unchanged', async () => {
    fakes.ollama.setScript({ error: { status: 400, type: 'invalid_request_error', message: 'something else' } });
    const r = await post(`${gw.url}/v1/messages`, userBody('hi'), { 'x-to': 'ollama' });
    assert.equal(r.status, 400);
    assert.equal((r.json as { error: { message: string } }).error.message, 'something else');
  });
});

describe('retry-after in whole seconds', () => {
  it('rounds fractions up, turns an HTTP date into seconds and refuses nonsense', () => {
    assert.equal(wholeSeconds('1.5'), '2');
    assert.equal(wholeSeconds('30'), '30');
    const inFive = wholeSeconds(new Date(Date.now() + 5_000).toUTCString()); // HTTP dates drop the milliseconds
    assert.ok(inFive === '4' || inFive === '5', inFive);
    assert.equal(wholeSeconds('soon'), undefined);
  });
});
