import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { minimaxError, startFakeMiniMax, type FakeMiniMax } from '../support/fake-minimax.js';
import { errorOf, send } from './harness.js';

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

describe('minimax-error-remap in the default rules', () => {
  const cases: Array<[number, number, string]> = [
    [1008, 402, 'billing_error'],
    [2049, 401, 'authentication_error'],
    [1004, 401, 'authentication_error'],
    [2061, 403, 'permission_error'],
    [2013, 400, 'invalid_request_error'],
  ];
  for (const stream of [false, true]) {
    for (const [code, status, type] of cases) {
      it(`maps MiniMax ${code} sent as HTTP 500 to ${status} ${type} with the original message${stream ? ' on a streaming request' : ''}`, async () => {
        mm.setScript({ error: minimaxError(code) });
        const r = await send(gw.url, request(stream));
        assert.equal(r.status, status);
        const e = errorOf(r.body);
        assert.equal(e.type, type);
        assert.equal(e.message, minimaxError(code).message);
        assert.match(String(r.headers['content-type']), /application\/json/);
        assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
      });
    }
  }

  for (const code of [1002, 1000, 1024]) {
    it(`leaves the retryable MiniMax ${code} as a 500 api_error`, async () => {
      mm.setScript({ error: minimaxError(code) });
      const r = await send(gw.url, request(false));
      assert.equal(r.status, 500);
      assert.equal(errorOf(r.body).type, 'api_error');
    });
  }

  it('does not remap an Anthropic 500 that mentions a number', async () => {
    anthropic.setScript({ error: { status: 500, type: 'api_error', message: 'internal error (1008)' } });
    const r = await send(gw.url, { body: JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }), headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } });
    assert.equal(r.status, 500);
    anthropic.setScript(undefined);
  });
});
