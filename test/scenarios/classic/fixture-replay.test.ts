/** Replays the captured Claude Code request bodies of test/fixtures/claude-code through the bundled rules. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { capturedBody, type CapturedBody } from '../../support/claude-code-fixtures.js';
import type { MessagesBody, RequestBlock } from '../../support/fake-upstream-common.js';
import { postMessages, startClassic, type ClassicSetup } from '../../support/classic-gateway.js';

function fixture(name: CapturedBody): MessagesBody {
  return JSON.parse(capturedBody(name).toString('utf8')) as MessagesBody;
}

function blocksOf(body: MessagesBody, i: number): RequestBlock[] {
  const c = body.messages[i]!.content;
  return typeof c === 'string' ? [{ type: 'text', text: c }] : c;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The captured first turn, where the user typed `mmexec hi`. */
function triggerTurn(): MessagesBody {
  const typed = fixture('second-turn-to-anthropic');
  return { ...typed, messages: typed.messages.slice(0, 1) };
}

describe('real Claude Code payloads through the classic rules', () => {
  let s: ClassicSetup;
  before(async () => {
    s = await startClassic();
  });
  after(() => s.close());

  it('carries real MiniMax signatures: the hex SHA-256 of the thinking text', () => {
    for (const name of ['after-trigger-to-anthropic', 'second-turn-to-anthropic'] as const) {
      const [thinking] = blocksOf(fixture(name), 1);
      assert.equal(thinking?.type, 'thinking');
      assert.equal(thinking?.signature, sha256(String(thinking?.thinking)), name);
    }
  });

  it('detects `mmexec hi` after the system reminders, strips it and sends MiniMax what the first turn fixture holds', async () => {
    const body = triggerTurn();
    assert.equal(blocksOf(body, 0).at(-1)?.text, 'mmexec hi');
    const r = await postMessages(s.gateway.url, body, 'fixture-trigger');
    assert.equal(r.status, 200);
    const sent = s.minimax.messageBodies().at(-1)!;
    assert.equal(sent.model, 'MiniMax-M2.7');
    // The captured first turn differs only by Claude Code's cache_control mark on the newest block.
    const want = fixture('first-turn-to-minimax');
    assert.equal(sent.messages.length, 1);
    assert.deepEqual(blocksOf(sent, 0).slice(0, -1), blocksOf(want, 0).slice(0, -1), 'the system reminders are untouched');
    assert.deepEqual(blocksOf(sent, 0).at(-1), { type: 'text', text: 'hi' }, 'only the trigger word is gone');
    assert.equal(blocksOf(want, 0).at(-1)?.text, 'hi');
    assert.match(r.text, /"model":"claude-sonnet-4-6"/, 'the answer reports the model Claude Code asked for');
  });

  it('keeps the triggered session on MiniMax for the next turn (the first mmexec sent it to Anthropic)', async () => {
    assert.equal((await postMessages(s.gateway.url, triggerTurn(), 'fixture-next-turn')).status, 200);
    const before = s.anthropic.messageBodies().length;
    const r = await postMessages(s.gateway.url, fixture('after-trigger-to-anthropic'), 'fixture-next-turn');
    assert.equal(r.status, 200);
    assert.equal(s.anthropic.messageBodies().length, before);
    const sent = s.minimax.messageBodies().at(-1)!;
    assert.equal(sent.model, 'MiniMax-M2.7');
    assert.deepEqual(blocksOf(sent, 1), blocksOf(fixture('after-trigger-to-anthropic'), 1), 'MiniMax gets its own thinking back unchanged');
  });

  for (const name of ['second-turn-to-anthropic', 'after-trigger-to-anthropic'] as const) {
    it(`converts the MiniMax thinking of ${name} so the strict Anthropic fake accepts it`, async () => {
      const original = fixture(name);
      const r = await postMessages(s.gateway.url, original, `fixture-${name}`);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      const sent = s.anthropic.messageBodies().at(-1)!;
      const [thinking, answer] = blocksOf(original, 1);
      assert.deepEqual(blocksOf(sent, 1), [{ type: 'text', text: `previous assistant thought process: ${String(thinking?.thinking).trim()}` }, answer]);
      const first = structuredClone(original.messages[0]!);
      const blocks = first.content as Array<{ type: string; text?: string }>;
      assert.equal(blocks.at(-1)!.text, 'mmexec hi', 'Claude Code replays the trigger as typed');
      blocks.at(-1)!.text = 'hi';
      assert.deepEqual(sent.messages[0], first, 'the first user turn loses only its trigger, as it did when MiniMax got it');
      assert.deepEqual(sent.messages[2], original.messages[2]);
      for (const key of ['model', 'thinking', 'context_management', 'output_config', 'tools', 'system', 'metadata'] as const) {
        assert.deepEqual(sent[key], original[key], `${key} passes through`);
      }
    });
  }

  it('answers a real payload typed as exactly `mmstatus` with a teapot and no upstream call', async () => {
    const typed = fixture('first-turn-to-minimax');
    const last = blocksOf(typed, 0);
    const body = { ...typed, messages: [{ role: 'user', content: [...last.slice(0, -1), { type: 'text', text: 'mmstatus\n' }] }] };
    assert.equal((await postMessages(s.gateway.url, triggerTurn(), 'fixture-status')).status, 200);
    const calls = s.anthropic.requests.length + s.minimax.requests.length;
    const r = await postMessages(s.gateway.url, body, 'fixture-status');
    assert.equal(r.status, 418);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(r.text, /current provider: MiniMax/);
    assert.equal(s.anthropic.requests.length + s.minimax.requests.length, calls);
  });
});
