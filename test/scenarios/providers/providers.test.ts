/**
 * Claude Code's current request shapes reach each bundled provider's strict fake through the bundled config
 * that uses its profile (mmexec.yaml, examples/providers/*.yaml), and are accepted; the same bodies sent to the
 * fakes directly are refused, so the acceptance is the profile's doing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../../src/server/start.js';
import { builtRequests, capturedRequests, type ClaudeCodeRequest } from '../../support/claude-code-bodies.js';
import { startFakeMiniMax } from '../../support/fake-minimax.js';
import { startFakeProvider } from '../../support/fake-provider.js';
import { post, userBody } from '../../support/gateway.js';
import { RULES, violation } from '../../support/provider-rules.js';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream.js';

interface Case {
  profile: string;
  config: string;
  /** Prefix of the example's variables (`<ENV>_BASE_URL`, `<ENV>_API_KEY`). */
  env: string;
  basePath: string;
  minimax?: boolean;
}

const CASES: Case[] = [
  { profile: 'minimax-m2', config: 'mmexec.yaml', env: 'MINIMAX', basePath: '/anthropic', minimax: true },
  { profile: 'minimax-m3', config: 'examples/providers/minimax-m3.yaml', env: 'MINIMAX', basePath: '/anthropic', minimax: true },
  { profile: 'deepseek', config: 'examples/providers/deepseek.yaml', env: 'DEEPSEEK', basePath: '/anthropic' },
  { profile: 'kimi', config: 'examples/providers/kimi.yaml', env: 'MOONSHOT', basePath: '/anthropic' },
  { profile: 'glm', config: 'examples/providers/glm.yaml', env: 'ZAI', basePath: '/api/anthropic' },
  { profile: 'qwen', config: 'examples/providers/qwen.yaml', env: 'DASHSCOPE', basePath: '/apps/anthropic' },
  { profile: 'ollama', config: 'examples/providers/ollama.yaml', env: 'OLLAMA', basePath: '' },
  { profile: 'openrouter', config: 'examples/providers/openrouter.yaml', env: 'OPENROUTER', basePath: '/api' },
];

/**
 * The Messages requests, with the toggle words some captures typed (mmstatus, mmrelease, mmexec) replaced:
 * the rules would answer or release those, and here every request is to reach the provider.
 */
const messagesRequests = (): ClaudeCodeRequest[] =>
  [...capturedRequests(), ...builtRequests()]
    .filter((r) => r.path.startsWith('/v1/messages?') || r.path === '/v1/messages')
    .map((r) => ({ ...r, body: JSON.parse(JSON.stringify(r.body).replace(/mm(status|release|exec)\b/g, 'hello')) as Record<string, unknown> }));
type Body = { messages: Array<{ role: string; content: unknown }>; metadata?: { user_id?: unknown }; system?: unknown };

for (const c of CASES) {
  describe(`${c.config} with profile ${c.profile}`, () => {
    const rules = RULES[c.profile]!;
    let fake: { url: string; refused: string[]; messageBodies(): unknown[]; close(): Promise<void> };
    let anthropic: RecordingUpstream;
    let gw: RunningGateway;
    let home: string;
    const session = `profile-${c.profile}`;

    before(async () => {
      fake = c.minimax
        ? await startFakeMiniMax({ check: (rec) => violation(rules, rec.json, rec.headers) })
        : await startFakeProvider({ rules, basePath: c.basePath });
      anthropic = await startRecordingUpstream('anthropic');
      home = mkdtempSync(join(tmpdir(), 'mmexec-profiles-'));
      const env = { [`${c.env}_BASE_URL`]: fake.url, [`${c.env}_API_KEY`]: 'provider-key', ANTHROPIC_UPSTREAM_URL: anthropic.url, MMEXEC_HOME: home };
      gw = await startGateway({ configPath: resolve(c.config), env, port: 0, silent: true });
      const r = await post(`${gw.url}/v1/messages`, userBody('mmexec start here'), { 'x-claude-code-session-id': session, 'x-api-key': 'client-key' });
      assert.equal(r.status, 200, r.text);
    });
    after(async () => {
      await gw.close();
      await fake.close();
      await anthropic.close();
      rmSync(home, { recursive: true, force: true });
    });

    it("refuses Claude Code's bodies sent to it directly (the fake is strict)", async () => {
      const refused = messagesRequests().filter((r) => violation(rules, r.body, r.headers) !== null);
      assert.ok(refused.length > 0, `no captured body breaks the ${c.profile} rules`);
    });

    for (const req of messagesRequests()) {
      it(`accepts ${req.name} once shaped by the profile`, async () => {
        const before = fake.messageBodies().length;
        const r = await post(`${gw.url}${req.path}`, req.body, { ...req.headers, 'x-claude-code-session-id': session, 'x-api-key': 'client-key' });
        assert.equal(r.status, 200, `${r.text.slice(0, 400)} | refused: ${fake.refused.join('; ')}`);
        const reachedProvider = fake.messageBodies().length > before;
        const body = (reachedProvider ? fake.messageBodies().at(-1) : anthropic.seen.at(-1)?.json) as Body;
        if (!reachedProvider) {
          assert.equal(c.profile, 'deepseek', 'only the deepseek example sends unreadable images elsewhere');
          assert.ok(JSON.stringify(body).includes('"type":"image"'), 'the request went to Anthropic with its image');
          return;
        }
        assert.equal(body.metadata?.user_id, undefined, 'metadata.user_id stays with the gateway');
        assert.ok(!JSON.stringify(body.system ?? '').includes('x-anthropic-billing-header'), 'the billing header block stays with the gateway');
        assert.ok(body.messages.every((m) => m.role !== 'system'));
      });
    }

    it('saw no request it refuses', () => {
      assert.deepEqual(fake.refused, []);
    });
  });
}
