/**
 * The client version matrix: every Claude Code release of test/claude-code/package.json runs the classic flow
 * and a tool loop through the bundled rules, against the strict Anthropic fake and the MiniMax fake.
 * One gateway per release; releases run one after the other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startClaude, type ClaudeSession } from '../../support/claude-cli.js';
import { claudeReleases, releaseSkip } from '../../support/claude-releases.js';
import { inToolLoop, lastUserText, type MessagesBody, type ScriptedReply } from '../../support/fake-upstream-common.js';
import { MINIMAX_KEY, startClassic, type ClassicSetup } from '../../support/classic-gateway.js';
import { assistantTurns, isMiniMaxThinking, leftovers, ok, teapot, tracker } from './matrix-support.js';
import { ADAPTIVE_MODEL, ENABLED_MODEL, until } from './scenarios.js';

const CLIENT_KEY = 'sk-ant-client-matrix-key';
const TYPED = 'mmrelease stop here';
/** Why the history check is not yet required: the gateway strips the words only where it finds them, on the request that carries them. */
const bash = (command: string): ScriptedReply => ({ toolUse: { name: 'Bash', input: { command, description: 'Run a command' } } });

async function withClaude<T>(claude: ClaudeSession, fn: (c: ClaudeSession) => Promise<T>): Promise<T> {
  try {
    return await fn(claude);
  } finally {
    await claude.close();
  }
}

for (const release of claudeReleases()) {
  describe(`Claude Code ${release.version} through the classic rules`, { skip: releaseSkip(release) }, () => {
    let s: ClassicSetup;
    const replays: MessagesBody[] = [];
    const claude = (model: string, tools = false): ClaudeSession =>
      startClaude({ bin: release.bin, baseUrl: s.gateway.url, apiKey: CLIENT_KEY, model, turnTimeoutMs: 40_000, ...(tools ? { tools: 'Bash', allowedTools: 'Bash' } : {}) });
    before(async () => {
      s = await startClassic();
    });
    after(() => s?.close());

    it('moves a session to MiniMax and back across a restart; teapots never reach an upstream, nor do their leftovers', { timeout: 120_000 }, async () => {
      const t = tracker(s);
      await withClaude(claude(ADAPTIVE_MODEL), async (c) => {
        ok(await c.turn('hello plain'), 'echo: hello plain');
        assert.deepEqual(t.counts(), [1, 0]);
        ok(await c.turn('mmexec write a haiku'), 'echo: write a haiku');
        assert.deepEqual(t.counts(), [1, 1]);
        assert.equal(lastUserText(t.minimax()[0]!), 'write a haiku', 'the trigger word is stripped');
        ok(await c.turn('still there?'), 'echo: still there?');
        const sticky = t.minimax()[1]!;
        assert.equal(sticky.model, 'MiniMax-M2.7');
        assert.ok(isMiniMaxThinking(assistantTurns(sticky)[1]?.[0]), "MiniMax's thinking comes back in Claude Code's history");

        await s.restart();
        ok(await c.turn('after restart'), 'echo: after restart');
        assert.deepEqual(t.counts(), [1, 3], 'still on MiniMax after the restart');

        ok(await c.turn('mmrelease summarise'), 'echo: summarise');
        assert.deepEqual(t.counts(), [2, 3]);
        assert.equal(lastUserText(t.anthropic()[1]!), 'summarise');
        assert.ok(!assistantTurns(t.anthropic()[1]!).flat().some(isMiniMaxThinking), 'no MiniMax thinking reaches Anthropic');

        teapot(await c.turn('mmstatus'), /current provider: Anthropic/);
        teapot(await c.turn('mmexec'), /teapot/i);
        assert.deepEqual(t.counts(), [2, 3], 'teapot words never reach an upstream');
        ok(await c.turn('turn on minimax'), 'echo: turn on minimax');
        assert.deepEqual(t.counts(), [2, 4]);
        teapot(await c.turn('mmrelease'), /teapot/i);
        ok(await c.turn('back on anthropic'), 'echo: back on anthropic');
        assert.deepEqual(t.counts(), [3, 4]);
        for (const b of [t.minimax()[3]!, t.anthropic()[2]!]) assert.deepEqual(leftovers(b), [], 'no toggle word left in what the models read');
        const converted = assistantTurns(t.anthropic()[2]!).flat().filter((b) => b.type === 'text' && String(b.text).startsWith('previous assistant thought process: '));
        assert.equal(converted.length, 4, 'each of the four MiniMax thinking blocks became text');
      });
      for (const r of s.minimax.requests) {
        assert.equal(r.credential, MINIMAX_KEY);
        assert.ok(!JSON.stringify(r.headers).includes(CLIENT_KEY), "MiniMax never receives the client's Anthropic key");
      }
      for (const r of s.anthropic.requests) assert.equal(r.credential, CLIENT_KEY);
    });

    for (const [kind, model] of [['adaptive', ADAPTIVE_MODEL], ['enabled', ENABLED_MODEL]] as const) {
      it(`runs a tool loop on MiniMax with thinking ${kind}, released by "${TYPED}" typed while a tool runs`, { timeout: 90_000 }, async () => {
        const t = tracker(s);
        s.minimax.enqueue(bash('sleep 1; echo one'), bash('sleep 3; echo two'));
        s.anthropic.enqueue(bash('echo three'), { text: 'released and done' });
        await withClaude(claude(model, true), async (c) => {
          const turn = c.turn('mmexec run the tool');
          await until(() => t.minimax().length === 2, 30_000, 'the second tool call of the loop');
          await new Promise((r) => setTimeout(r, 1200)); // `sleep 3` is running now
          c.type(TYPED);
          ok(await turn, 'released and done');
          assert.deepEqual(t.counts(), [2, 2], 'released on the very request that carries the typed words');

          const [first, inLoop] = t.minimax();
          assert.equal(lastUserText(first!), 'run the tool');
          assert.ok(inToolLoop(inLoop!), 'the tool result stays on MiniMax');
          assert.ok(isMiniMaxThinking(assistantTurns(inLoop!).at(-1)?.[0]), "MiniMax's thinking comes back inside the loop");

          const [typed, after] = t.anthropic();
          assert.equal(lastUserText(typed!), 'stop here', 'the typed words reach Anthropic without the trigger');
          assert.ok(JSON.stringify(typed!.messages).includes('while you were working:\\nstop here'), "Claude Code's wrapper is kept");
          assert.ok(inToolLoop(after!), 'the loop goes on with Anthropic');
          assert.ok(!JSON.stringify(typed!.messages).includes('mmrelease'), 'the upstream never sees the trigger word');
          for (const b of t.anthropic()) assert.ok(!assistantTurns(b).flat().some(isMiniMaxThinking), 'no MiniMax thinking reaches Anthropic');
          ok(await c.turn('where are we'), 'echo: where are we');
          assert.deepEqual(t.counts(), [3, 2], 'the session stays released');
          replays.push(...t.anthropic().slice(1));
        });
      });
    }

    it('keeps the trigger typed during a tool run out of the history later requests replay', () => {
      assert.ok(replays.length > 0, 'the tool-loop scenarios ran');
      for (const b of replays) assert.ok(!JSON.stringify(b.messages).includes('mmrelease'), 'a later request replays "mmrelease stop here"');
    });
  });
}
