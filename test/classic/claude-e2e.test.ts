/**
 * The whole classic scenario with the real Claude Code CLI through the bundled rules, against the strict fake
 * Anthropic and the MiniMax fake: plain turn, mmexec <task>, sticky turns across a gateway restart, mmrelease
 * with the conversion accepted, the teapot words, and back again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startClaude, type TurnResult } from '../support/claude-cli.js';
import { claudeRelease, DEFAULT_VERSION, releaseSkip } from '../support/claude-releases.js';
import type { MessagesBody, RequestBlock } from '../support/fake-upstream-common.js';
import { MINIMAX_KEY, startClassic } from './harness.js';

const release = claudeRelease(DEFAULT_VERSION);
const missing = releaseSkip(release);

const CLIENT_KEY = 'sk-ant-client-e2e-key';

function blocks(m: MessagesBody['messages'][number] | undefined): RequestBlock[] {
  if (!m) return [];
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
}

function texts(m: MessagesBody['messages'][number] | undefined): string[] {
  return blocks(m)
    .filter((b) => b.type === 'text')
    .map((b) => String(b.text));
}

function ok(r: TurnResult, want: string): void {
  assert.deepEqual([r.is_error, r.result], [false, want]);
}

describe(`classic mmexec with the real Claude Code CLI ${release.version}`, { skip: missing }, () => {
  it('moves a session to MiniMax and back, across a gateway restart, with every request accepted', { timeout: 150_000 }, async () => {
    const s = await startClassic();
    const claude = startClaude({ bin: release.bin, baseUrl: s.gateway.url, apiKey: CLIENT_KEY, turnTimeoutMs: 30_000 });
    try {
      const counts = (): [number, number] => [s.anthropic.messageBodies().length, s.minimax.messageBodies().length];

      ok(await claude.turn('hello plain'), 'echo: hello plain');
      assert.deepEqual(counts(), [1, 0]);

      ok(await claude.turn('mmexec write a haiku'), 'echo: write a haiku');
      assert.deepEqual(counts(), [1, 1]);
      const first = s.minimax.messageBodies()[0]!;
      assert.equal(first.model, 'MiniMax-M2.7');
      assert.equal(texts(first.messages.at(-1)).at(-1), 'write a haiku', 'the trigger word is stripped');

      ok(await claude.turn('still there?'), 'echo: still there?');
      assert.deepEqual(counts(), [1, 2]);
      const sticky = s.minimax.messageBodies()[1]!;
      assert.equal(sticky.model, 'MiniMax-M2.7', 'sticky requests use the MiniMax model too');
      const mmAnswer = blocks(sticky.messages.at(-2));
      assert.equal(mmAnswer[0]?.type, 'thinking', "MiniMax's thinking comes back in Claude Code's history");
      assert.equal(mmAnswer[0]?.thinking, 'MiniMax thinking about: write a haiku');
      assert.match(String(mmAnswer[0]?.signature), /^[0-9a-f]{64}$/);

      await s.restart();
      ok(await claude.turn('after restart'), 'echo: after restart');
      assert.deepEqual(counts(), [1, 3], 'the session is still on MiniMax after the restart');

      ok(await claude.turn('mmrelease summarise'), 'echo: summarise');
      assert.deepEqual(counts(), [2, 3]);
      const released = s.anthropic.messageBodies()[1]!;
      const history = released.messages.filter((m) => m.role === 'assistant').map(blocks);
      assert.equal(history.length, 4);
      assert.equal(history[0]![0]?.type, 'thinking', "Anthropic's own thinking is left as it was");
      assert.ok(s.anthropic.isIssued(String(history[0]![0]?.signature), String(history[0]![0]?.thinking)));
      assert.deepEqual(history[1]!.map((b) => [b.type, b.text]), [
        ['text', 'previous assistant thought process: MiniMax thinking about: write a haiku'],
        ['text', 'echo: write a haiku'],
      ]);
      for (const m of history.slice(1)) assert.ok(!m.some((b) => b.type === 'thinking'), 'no MiniMax thinking reaches Anthropic');

      const status = await claude.turn('mmstatus');
      assert.equal(status.is_error, true);
      assert.match(status.result, /418/);
      assert.match(status.result, /current provider: Anthropic/);

      const exec = await claude.turn('mmexec');
      assert.equal(exec.is_error, true);
      assert.match(exec.result, /418[\s\S]*teapot/i);
      assert.deepEqual(counts(), [2, 3], 'teapot words never reach an upstream');

      ok(await claude.turn('turn on minimax'), 'echo: turn on minimax');
      assert.deepEqual(counts(), [2, 4]);
      const merged = texts(s.minimax.messageBodies()[3]!.messages.at(-1));
      assert.equal(merged.at(-1), 'turn on minimax');
      assert.ok(!merged.some((t) => t.trim() === 'mmexec'), `the teapot word Claude Code merged into this message is dropped: ${JSON.stringify(merged)}`);

      const release = await claude.turn('mmrelease');
      assert.equal(release.is_error, true);
      assert.match(release.result, /418/);

      ok(await claude.turn('back on anthropic'), 'echo: back on anthropic');
      assert.deepEqual(counts(), [3, 4]);
      const last = s.anthropic.messageBodies()[2]!;
      const converted = last.messages.flatMap(blocks).filter((b) => b.type === 'text' && String(b.text).startsWith('previous assistant thought process: '));
      assert.equal(converted.length, 4, 'each of the four MiniMax thinking blocks became text');

      for (const r of s.minimax.requests) {
        assert.equal(r.auth, 'bearer');
        assert.equal(r.credential, MINIMAX_KEY);
        assert.ok(!JSON.stringify(r.headers).includes(CLIENT_KEY), "MiniMax never receives the client's Anthropic key");
      }
      for (const r of s.anthropic.requests) assert.equal(r.credential, CLIENT_KEY);
    } finally {
      await claude.close();
      await s.close();
    }
  });
});
