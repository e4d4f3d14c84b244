/** The upstream `protocol:` setting: compiled into the plan, checked at load, with errors that name their place. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, formatIssue } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';
import type { Plan } from '../../../src/plan/types.js';
import { openaiChat } from '../../../src/protocols/openai-chat/index.js';
import { openaiResponses } from '../../../src/protocols/openai-responses/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mmexec-protocol-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function compile(upstream: string): Plan | string[] {
  const file = join(dir, 'mmexec.yaml');
  writeFileSync(file, `version: 1\nupstreams:\n  up:\n${upstream.replace(/^/gm, '    ')}\nroutes:\n  - name: all\n    upstream: up\n`);
  try {
    const { plan } = compilePlan(loadConfig(file, { env: { K: 'k' } }), { K: 'k' });
    for (const u of plan.upstreams.values()) u.agent.destroy();
    return plan;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => formatIssue({ ...i, file: 'mmexec.yaml' }));
  }
}

function upstreamOf(text: string): NonNullable<ReturnType<Plan['upstreams']['get']>> {
  const plan = compile(text);
  assert.ok(!Array.isArray(plan), String(plan));
  return plan.upstreams.get('up')!;
}

describe('protocol:', () => {
  it('defaults to Anthropic Messages: no protocol, the key as x-api-key', () => {
    const u = upstreamOf('url: http://127.0.0.1:1\nauth: { key_env: K }');
    assert.equal(u.protocol, undefined);
    assert.deepEqual(u.auth, { kind: 'key', env: 'K', as: 'x-api-key' });
  });

  it('compiles openai-chat with its settings; the key goes as a bearer token and the provider is not Anthropic', () => {
    const u = upstreamOf('url: http://127.0.0.1:1/v1\nauth: { key_env: K }\nprotocol: { name: openai-chat, reasoning_content: true, system_role: developer }');
    assert.equal(u.protocol, openaiChat);
    assert.deepEqual(u.protocolSettings, { reasoningContent: true, systemRole: 'developer' });
    assert.deepEqual(u.auth, { kind: 'key', env: 'K', as: 'bearer' });
    assert.equal(u.provider, 'other');
    assert.ok(u.responseStages.some((s) => s.name === 'thinking-recorder'), 'its thinking is recorded for the way back to Anthropic');
    assert.equal(u.requestStages.at(-1)?.name, 'protocol openai-chat', 'the boundary stage runs last');
  });

  it('compiles openai-responses: its protocol object, the key as a bearer token, thinking recorded, the boundary stage last', () => {
    const u = upstreamOf('url: http://127.0.0.1:1/v1\nauth: { key_env: K }\nprotocol: openai-responses');
    assert.equal(u.protocol, openaiResponses);
    assert.deepEqual(u.auth, { kind: 'key', env: 'K', as: 'bearer' });
    assert.ok(u.responseStages.some((s) => s.name === 'thinking-recorder'), 'its thinking is recorded for the way back to Anthropic');
    assert.equal(u.requestStages.at(-1)?.name, 'protocol openai-responses');
  });

  const refused: Array<[string, RegExp]> = [
    ['url: http://127.0.0.1:1\nprotocol: openai-chat\nprovider: anthropic', /upstreams\.up\.provider: an upstream speaking openai-chat is not Anthropic/],
    ['url: http://127.0.0.1:1\nprotocol: openai-completions', /upstreams\.up\.protocol/],
    ['url: http://127.0.0.1:1\nprotocol: { name: openai-chat, system_role: user }', /upstreams\.up\.protocol\.system_role/],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${text.split('\n').slice(1).join(', ')} at load, naming the place`, () => {
      const issues = compile(text);
      assert.ok(Array.isArray(issues), 'the file does not load');
      assert.ok(issues.some((i) => message.test(i)), issues.join('\n'));
    });
  }
});
