/**
 * The two styles of the answers to a bare `mmexec` / `mmrelease`: the bundled 418 teapot and
 * rules/teapot-as-message.yaml (an assistant message). Neither may reach a model in a later history.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../../src/server/start.js';
import { startClaude } from '../../support/claude-cli.js';
import { claudeRelease, releaseSkip } from '../../support/claude-releases.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeMiniMax, type FakeMiniMax } from '../../support/fake-minimax.js';
import { BUNDLED_CONFIG, MINIMAX_KEY, postMessages } from '../../support/classic-gateway.js';

const ROOT = join(BUNDLED_CONFIG, '..');
const release = claudeRelease('2.1.332');
const TEAPOT = /teapot|kettle|MiniMax is pouring|house blend|next cup/i;

interface Setup {
  anthropic: FakeAnthropic;
  minimax: FakeMiniMax;
  gateway: RunningGateway;
  close(): Promise<void>;
}

/** The bundled mmexec.yaml (copied in with the rule files), the message preset included first when asked. */
async function start(style: 'teapot' | 'message'): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-teapot-'));
  mkdirSync(join(dir, 'rules'));
  for (const f of ['classic.yaml', 'teapot-as-message.yaml']) copyFileSync(join(ROOT, 'rules', f), join(dir, 'rules', f));
  const preset = style === 'message' ? '  - include: rules/teapot-as-message.yaml\n' : '';
  writeFileSync(join(dir, 'mmexec.yaml'), readFileSync(BUNDLED_CONFIG, 'utf8').replace('routes:\n', `routes:\n${preset}`));
  const anthropic = await startFakeAnthropic();
  const minimax = await startFakeMiniMax({ acceptedKeys: [MINIMAX_KEY] });
  const env = { MMEXEC_HOME: join(dir, 'home'), ANTHROPIC_UPSTREAM_URL: anthropic.url, MINIMAX_BASE_URL: minimax.url, MINIMAX_API_KEY: MINIMAX_KEY };
  const gateway = await startGateway({ configPath: join(dir, 'mmexec.yaml'), env, host: '127.0.0.1', port: 0, silent: true });
  return {
    anthropic,
    minimax,
    gateway,
    async close() {
      await gateway.close();
      await Promise.all([anthropic.close(), minimax.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const REMINDER = { type: 'text', text: '<system-reminder>\nContext the user did not type.\n</system-reminder>' };
const ENV_TURN = { role: 'system', content: '# Environment\nWorking directory: /tmp/x' };
const reply = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });
const body = (messages: unknown[]) => ({ model: 'claude-opus-4-8', max_tokens: 1000, stream: true, messages });

describe('rules/teapot-as-message.yaml', () => {
  let s: Setup;
  before(async () => (s = await start('message')));
  after(() => s.close());

  it('answers a bare mmexec with a streamed assistant message (200) and switches the session', async () => {
    const r = await postMessages(s.gateway.url, body([{ role: 'user', content: 'mmexec' }]), 'msg-1');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(r.text, /event: message_start[\s\S]*"text_delta","text":"I'm a teapot[\s\S]*event: message_stop/);
    const next = await postMessages(s.gateway.url, body([{ role: 'user', content: 'hello' }]), 'msg-1');
    assert.equal(next.status, 200);
    assert.equal(s.minimax.messageBodies().length, 1);
  });

  it('answers a request without stream as one JSON message', async () => {
    const r = await postMessages(s.gateway.url, { ...body([{ role: 'user', content: 'mmstatus' }]), stream: false }, 'msg-2');
    const m = JSON.parse(r.text) as { type: string; role: string; content: Array<{ text: string }> };
    assert.deepEqual([r.status, m.type, m.role], [200, 'message', 'assistant']);
    assert.match(m.content[0]!.text, /current provider: Anthropic/);
  });

  // Histories as Claude Code 2.1.332 sends them after a message reply: the word's turn, its environment
  // system turn (first message only), and the reply stay in the history.
  const histories: Array<[string, unknown[], unknown[]]> = [
    [
      'the first message, a system turn after it',
      [{ role: 'user', content: 'mmexec' }, ENV_TURN, reply("I'm a teapot. Switched the kettle to MiniMax for this session."), { role: 'user', content: 'hello one' }],
      [ENV_TURN, { role: 'user', content: 'hello one' }],
    ],
    [
      'a later message, reminders before the word',
      [{ role: 'user', content: 'fix it' }, reply('done'), { role: 'user', content: [REMINDER, { type: 'text', text: 'mmrelease' }] }, reply("I'm a teapot. Released: the next cup comes from Anthropic."), { role: 'user', content: [{ type: 'text', text: 'hello two' }] }],
      [{ role: 'user', content: 'fix it' }, reply('done'), { role: 'user', content: [REMINDER, { type: 'text', text: 'hello two' }] }],
    ],
    [
      'two toggles in one history',
      [{ role: 'user', content: 'mmexec' }, reply("I'm a teapot. Switched the kettle to MiniMax for this session."), { role: 'user', content: 'a' }, reply('b'), { role: 'user', content: 'mmrelease' }, reply("I'm a teapot. Back to the house blend: Anthropic answers your next message."), { role: 'user', content: 'c' }],
      [{ role: 'user', content: 'a' }, reply('b'), { role: 'user', content: 'c' }],
    ],
  ];
  for (const [name, sent, expected] of histories) {
    it(`sends upstream neither the word nor the reply message: ${name}`, async () => {
      const r = await postMessages(s.gateway.url, body(sent), `h-${name.length}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual((s.anthropic.requests.at(-1)!.json as { messages: unknown }).messages, expected);
    });
  }

  it('keeps an assistant message that only looks like a reply when no toggle word came before it', async () => {
    const sent = [{ role: 'user', content: 'say the teapot line' }, reply("I'm a teapot. Switched the kettle to MiniMax for this session."), { role: 'user', content: 'thanks' }];
    await postMessages(s.gateway.url, body(sent), 'keep-1');
    assert.deepEqual((s.anthropic.requests.at(-1)!.json as { messages: unknown }).messages, sent);
  });
});

for (const style of ['teapot', 'message'] as const) {
  describe(`the ${style} style with Claude Code ${release.version}`, { skip: releaseSkip(release) }, () => {
    let s: Setup;
    before(async () => (s = await start(style)));
    after(() => s.close());

    it('keeps every toggle word and reply out of the histories MiniMax and Anthropic receive', async () => {
      const claude = startClaude({ baseUrl: s.gateway.url, bin: release.bin });
      try {
        const toggled = await claude.turn('mmexec');
        if (style === 'message') assert.deepEqual([toggled.is_error, TEAPOT.test(toggled.result)], [false, true], toggled.result);
        assert.equal((await claude.turn('hello one')).result, 'echo: hello one');
        await claude.turn('mmrelease');
        assert.equal((await claude.turn('hello two')).result, 'echo: hello two');
      } finally {
        await claude.close();
      }
      const toMiniMax = JSON.stringify(s.minimax.messageBodies().at(-1)!.messages);
      const toAnthropic = JSON.stringify(s.anthropic.messageBodies().at(-1)!.messages);
      for (const sent of [toMiniMax, toAnthropic]) {
        assert.doesNotMatch(sent, TEAPOT);
        assert.doesNotMatch(sent, /"(mmexec|mmrelease)(\\n)?"/);
      }
      assert.match(toAnthropic, /hello one[\s\S]*hello two/);
    });
  });
}
