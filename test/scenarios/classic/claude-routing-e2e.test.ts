/**
 * The Claude Code-aware rules with the real, newest Claude Code CLI (2.1.332, from the version matrix
 * package test/claude-code/): gateway model discovery fills Claude Code's /model list with a declared
 * model, picking it reaches MiniMax, and an Agent-tool subagent goes to MiniMax while the main
 * conversation stays on Anthropic.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../../src/server/start.js';
import { startClaude } from '../../support/claude-cli.js';
import { claudeRelease, releaseSkip } from '../../support/claude-releases.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeMiniMax, type FakeMiniMax } from '../../support/fake-minimax.js';
import { MINIMAX_KEY } from '../../support/classic-gateway.js';

const RELEASE = claudeRelease('2.1.332');
const BIN = RELEASE.bin;
const missing = releaseSkip(RELEASE);

const RULES = fileURLToPath(new URL('../../../rules/', import.meta.url));
const CLIENT_KEY = 'sk-ant-client-routing-key';
const DISCOVERY = { CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1', CLAUDE_CODE_GATEWAY_HINT_HEADERS: '1' };

/** Polls until `ok` holds (Claude Code may finish a background subagent after the turn's result). */
async function eventually(ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.ok(ok(), 'condition not reached in time');
}

describe('Claude Code-aware rules with the real Claude Code 2.1.332', { skip: missing }, () => {
  let anthropic: FakeAnthropic;
  let minimax: FakeMiniMax;
  let gateway: RunningGateway;
  let dir: string;
  before(async () => {
    anthropic = await startFakeAnthropic({ acceptedKeys: [CLIENT_KEY] });
    minimax = await startFakeMiniMax({ acceptedKeys: [MINIMAX_KEY] });
    dir = mkdtempSync(join(tmpdir(), 'mmexec-cc-routing-'));
    const config = join(dir, 'mmexec.yaml');
    writeFileSync(
      config,
      `version: 1
state: { store: memory }
upstreams:
  anthropic: { url: "${anthropic.url}", provider: anthropic, auth: passthrough, request: [minimax-thinking-to-text] }
  minimax:
    url: "${minimax.url}"
    auth: { key_env: MINIMAX_API_KEY, as: bearer }
    model: MiniMax-M2.7
    response: [restore-model, minimax-error-remap]
routes:
  - include: ${RULES}minimax-in-model-picker.yaml
  - include: ${RULES}subagents-to-minimax.yaml
  - include: ${RULES}classic.yaml
`,
    );
    gateway = await startGateway({ configPath: config, env: { MMEXEC_HOME: join(dir, 'home'), MINIMAX_API_KEY: MINIMAX_KEY }, host: '127.0.0.1', port: 0, silent: true });
  });
  after(async () => {
    await gateway?.close();
    await Promise.all([anthropic?.close(), minimax?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the declared model in Claude Code's model cache, and routes the picked model to MiniMax", { timeout: 120_000 }, async () => {
    const home = join(dir, 'picker-home');
    mkdirSync(home);
    const first = startClaude({ bin: BIN, baseUrl: gateway.url, apiKey: CLIENT_KEY, home, env: DISCOVERY });
    try {
      assert.equal((await first.turn('hello')).result, 'echo: hello');
    } finally {
      await first.close();
    }
    const listed = anthropic.requests.find((r) => r.method === 'GET' && r.pathname === '/v1/models');
    assert.equal(listed?.credential, CLIENT_KEY, "the upstream's list is asked with the client's key");
    const cache = JSON.parse(readFileSync(join(home, '.claude', 'cache', 'gateway-models.json'), 'utf8')) as { models: Array<{ id: string; display_name?: string; description?: string }> };
    assert.deepEqual(cache.models.find((m) => m.id === 'claude-via-minimax-m2.7'), { id: 'claude-via-minimax-m2.7', display_name: 'MiniMax M2.7 (via mmexec)', description: "MiniMax-M2.7 through the gateway's minimax upstream" });
    assert.ok(cache.models.some((m) => m.id === 'claude-opus-4-8'), "the upstream's models are kept");

    const before = anthropic.messageBodies().length;
    const picked = startClaude({ bin: BIN, baseUrl: gateway.url, apiKey: CLIENT_KEY, home, model: 'claude-via-minimax-m2.7', env: DISCOVERY });
    try {
      const r = await picked.turn('refactor the module');
      assert.deepEqual([r.is_error, r.result], [false, 'echo: refactor the module']);
    } finally {
      await picked.close();
    }
    assert.equal(anthropic.messageBodies().length, before, 'nothing of the picked model reaches Anthropic');
    assert.deepEqual(minimax.messageBodies().map((b) => b.model), ['MiniMax-M2.7']);
  });

  it('sends an Agent-tool subagent to MiniMax and keeps the main conversation on Anthropic', { timeout: 120_000 }, async () => {
    const minimaxBefore = minimax.requests.length;
    let delegated = false;
    anthropic.setScript((call) => {
      if (!delegated && ((call.body.tools ?? []) as Array<{ name?: string }>).some((t) => t.name === 'Agent')) {
        delegated = true;
        return { text: '', thinking: null, stopReason: 'tool_use', toolUse: { name: 'Agent', input: { description: 'Explore repo', prompt: 'List the files', subagent_type: 'Explore' } } };
      }
      return { text: 'done', thinking: null };
    });
    const claude = startClaude({ bin: BIN, baseUrl: gateway.url, apiKey: CLIENT_KEY, model: 'claude-opus-4-8', extraArgs: ['--tools', 'Agent,Read,Glob'], env: DISCOVERY });
    try {
      assert.equal((await claude.turn('explore the repo with a subagent')).is_error, false);
      await eventually(() => minimax.requests.length > minimaxBefore);
    } finally {
      await claude.close();
      anthropic.setScript(undefined);
    }
    const sub = minimax.requests.slice(minimaxBefore).filter((r) => r.method === 'POST');
    assert.ok(sub.length > 0);
    for (const r of sub) {
      assert.ok(r.headers['x-claude-code-agent-id'], 'only subagent requests reach MiniMax');
      assert.equal(r.headers['x-claude-code-agent-type'], 'Explore');
      assert.equal((r.json as { model: string }).model, 'MiniMax-M2.7');
    }
    assert.equal(JSON.stringify((sub[0]!.json as { messages: unknown[] }).messages[0]).includes('List the files'), true);
    const main = anthropic.requests.filter((r) => r.method === 'POST' && r.pathname === '/v1/messages');
    assert.ok(main.length >= 2, 'the main conversation asked Anthropic before and after the subagent');
    assert.ok(main.every((r) => r.headers['x-claude-code-agent-id'] === undefined));
  });
});
