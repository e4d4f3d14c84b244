/**
 * The shipped Chat Completions examples work as written: each one, with its base URL pointed at the strict fake
 * (which listens on the example's own base path), moves a session on `mmexec` and sends a request the fake accepts,
 * to <base>/chat/completions with the example's key (or none) and model.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startGateway } from '../../../src/server/start.js';
import { startFakeOpenAIChat } from '../../support/fake-openai-chat.js';

const EXAMPLES = [
  { file: 'openai.yaml', env: 'OPENAI', base: '/v1', key: 'sk-openai', model: 'gpt-5.4', system: 'developer' },
  { file: 'gemini.yaml', env: 'GEMINI', base: '/v1beta/openai', key: 'gemini-key', model: 'gemini-2.5-pro', system: 'system' },
  { file: 'openrouter-chat.yaml', env: 'OPENROUTER', base: '/api/v1', key: 'sk-or', model: 'openai/gpt-5.4-mini', system: 'system' },
  { file: 'local.yaml', env: 'LOCAL', base: '/v1', key: undefined, model: 'qwen3-coder', system: 'system' },
];

describe('the Chat Completions provider examples', () => {
  for (const ex of EXAMPLES) {
    it(`examples/providers/${ex.file} reaches its server at ${ex.base}/chat/completions`, async () => {
      const fake = await startFakeOpenAIChat({ key: ex.key, base: ex.base });
      const home = mkdtempSync(join(tmpdir(), 'mmexec-example-'));
      const env: NodeJS.ProcessEnv = { MMEXEC_HOME: home, [`${ex.env}_BASE_URL`]: fake.url };
      if (ex.key) env[`${ex.env}_API_KEY`] = ex.key;
      const gw = await startGateway({ configPath: resolve(`examples/providers/${ex.file}`), env, port: 0, silent: true });
      try {
        fake.reply = () => ({ text: 'from the example' });
        // The client's Anthropic credentials (a key, or an OAuth token for the keyless local server) never reach the server.
        const client = ex.key ? new Anthropic({ baseURL: gw.url, apiKey: 'sk-ant-client', maxRetries: 0 }) : new Anthropic({ baseURL: gw.url, apiKey: null, authToken: 'oauth-token-of-the-client', maxRetries: 0 });
        const msg = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, system: 'sys', messages: [{ role: 'user', content: 'mmexec hello' }] });
        assert.deepEqual(msg.content, [{ type: 'text', text: 'from the example' }]);
        assert.equal(msg.model, 'claude-sonnet-4-6', 'restore-model reports the model Claude Code asked for');
        assert.deepEqual(fake.refusals, []);
        const sent = fake.bodies()[0]!;
        assert.equal(sent.model, ex.model);
        assert.deepEqual(sent.messages, [{ role: ex.system, content: 'sys' }, { role: 'user', content: 'hello' }]);
      } finally {
        await gw.close();
        await fake.close();
        rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
