/** The minimax-thinking-to-text rules: which thinking blocks become text, how, and how manual thinking stays valid. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ContentBlock, Message, MessagesBody } from '../../../src/pipeline/messages.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import type { StateStore } from '../../../src/state/store.js';
import { convertForeignThinking, keepThinkingValid, THOUGHT_PREFIX } from '../../../src/thinking/convert.js';
import { ThinkingStore } from '../../../src/thinking/thinking-store.js';
import { postMessages, startClassic } from '../../support/classic-gateway.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const anthropicSig = (): string => randomBytes(180).toString('base64');
const newStore = (store: StateStore = new MemoryStore()): ThinkingStore => new ThinkingStore(store, 3600, () => {});

function body(...assistant: ContentBlock[][]): MessagesBody {
  const messages: Message[] = [];
  for (const content of assistant) messages.push({ role: 'user', content: 'q' }, { role: 'assistant', content });
  messages.push({ role: 'user', content: 'next' });
  return { model: 'claude-opus-4-8', max_tokens: 1000, messages };
}

const assistantAt = (b: MessagesBody, i: number): ContentBlock[] => (b.messages as Message[])[2 * i + 1]!.content as ContentBlock[];

describe('thinking conversion', () => {
  const cases: Array<{ name: string; thinking: string; signature: string; converted: boolean }> = [
    { name: 'raw text hash', thinking: 'plan the work\n\n', signature: sha('plan the work\n\n'), converted: true },
    { name: 'trimmed text hash (MiniMax added newlines)', thinking: '  plan the work\n\n', signature: sha('plan the work'), converted: true },
    { name: 'uppercase hex is not a MiniMax signature', thinking: 'plan', signature: sha('plan').toUpperCase(), converted: false },
    { name: 'hash of other text', thinking: 'plan', signature: sha('other'), converted: false },
    { name: 'Anthropic base64 signature', thinking: 'plan', signature: anthropicSig(), converted: false },
  ];
  for (const c of cases) {
    it(`${c.converted ? 'converts' : 'leaves'} a thinking block signed with the ${c.name}`, async () => {
      const b = body([{ type: 'thinking', thinking: c.thinking, signature: c.signature }, { type: 'text', text: 'answer' }]);
      const before = structuredClone(b);
      const n = await convertForeignThinking(b, newStore());
      if (!c.converted) {
        assert.equal(n, 0);
        assert.deepEqual(b, before);
        return;
      }
      assert.equal(n, 1);
      assert.deepEqual(assistantAt(b, 0), [{ type: 'text', text: `${THOUGHT_PREFIX}${c.thinking.trim()}` }, { type: 'text', text: 'answer' }]);
    });
  }

  it('converts a block whose hash the thinking store recorded from a non-Anthropic answer, whatever its signature', async () => {
    const store = newStore();
    await store.record('deep thought\n');
    const b = body([{ type: 'thinking', thinking: 'deep thought', signature: 'opaque-provider-signature' }]);
    assert.equal(await convertForeignThinking(b, store), 1);
    assert.deepEqual(assistantAt(b, 0), [{ type: 'text', text: `${THOUGHT_PREFIX}deep thought` }]);
  });

  it('removes an empty foreign thinking block instead of making an empty text block', async () => {
    const b = body([{ type: 'thinking', thinking: '\n\n', signature: sha('\n\n') }, { type: 'text', text: 'answer' }]);
    assert.equal(await convertForeignThinking(b, newStore()), 1);
    assert.deepEqual(assistantAt(b, 0), [{ type: 'text', text: 'answer' }]);
  });

  it('keeps an assistant message that held only an empty foreign block non-empty', async () => {
    const b = body([{ type: 'thinking', thinking: '', signature: sha('') }]);
    await convertForeignThinking(b, newStore());
    const blocks = assistantAt(b, 0);
    assert.equal(blocks.length, 1);
    assert.ok(blocks.every((x) => x.type === 'text' && typeof x.text === 'string' && x.text.trim() !== ''));
  });

  it('leaves Anthropic-signed blocks and keeps every block in order', async () => {
    const sig = anthropicSig();
    const turn1: ContentBlock[] = [{ type: 'thinking', thinking: 'anthropic thought', signature: sig }, { type: 'text', text: 'a1' }];
    const turn2: ContentBlock[] = [
      { type: 'text', text: 'preface' },
      { type: 'thinking', thinking: 'mm one', signature: sha('mm one') },
      { type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} },
      { type: 'thinking', thinking: 'mm two', signature: sha('mm two') },
      { type: 'redacted_thinking', data: 'abc' },
    ];
    const b = body(turn1, turn2);
    assert.equal(await convertForeignThinking(b, newStore()), 2);
    assert.deepEqual(assistantAt(b, 0), turn1);
    assert.deepEqual(
      assistantAt(b, 1).map((x) => [x.type, x.text]),
      [['text', 'preface'], ['text', `${THOUGHT_PREFIX}mm one`], ['tool_use', undefined], ['text', `${THOUGHT_PREFIX}mm two`], ['redacted_thinking', undefined]],
    );
  });

  it('checks blocks again once a failed thinking store is back, instead of caching a wrong verdict', async () => {
    const memory = new MemoryStore();
    let down = true;
    const flaky: StateStore = Object.assign(Object.create(memory) as StateStore, {
      hasMany: (ns: Parameters<StateStore['hasMany']>[0], keys: readonly string[]) => (down ? Promise.reject(new Error('down')) : memory.hasMany(ns, keys)),
    });
    const store = newStore(flaky);
    await store.record('remembered');
    const make = (): MessagesBody => body([{ type: 'thinking', thinking: 'remembered', signature: 'sig-x' }]);
    assert.equal(await convertForeignThinking(make(), store), 0, 'fails open while the store is down');
    down = false;
    const b = make();
    assert.equal(await convertForeignThinking(b, store), 1);
  });
});

describe('manual thinking stays valid', () => {
  const toolLoop = (first: ContentBlock): MessagesBody => ({
    model: 'claude-opus-4-8',
    max_tokens: 4000,
    thinking: { type: 'enabled', budget_tokens: 2000 },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    messages: [
      { role: 'user', content: 'read the file' },
      { role: 'assistant', content: [first, { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'a' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'data' }] },
    ],
  });

  it('drops thinking and the clear_thinking edit when the final tool-loop message lost its thinking', async () => {
    const b = toolLoop({ type: 'thinking', thinking: 'mm', signature: sha('mm') });
    await convertForeignThinking(b, newStore());
    assert.equal(keepThinkingValid(b), true);
    assert.equal(b.thinking, undefined);
    assert.equal(b.context_management, undefined);
  });

  it('keeps thinking when the final tool-loop message still starts with thinking', () => {
    const b = toolLoop({ type: 'thinking', thinking: 'a', signature: anthropicSig() });
    assert.equal(keepThinkingValid(b), false);
    assert.deepEqual(b.thinking, { type: 'enabled', budget_tokens: 2000 });
  });

  it('keeps other context edits when it drops clear_thinking', () => {
    const b = toolLoop({ type: 'text', text: 'x' });
    (b.context_management as { edits: unknown[] }).edits.push({ type: 'clear_tool_uses_20250919' });
    assert.equal(keepThinkingValid(b), true);
    assert.deepEqual(b.context_management, { edits: [{ type: 'clear_tool_uses_20250919' }] });
  });

  it('leaves adaptive thinking alone', () => {
    const b = { ...toolLoop({ type: 'text', text: 'x' }), thinking: { type: 'adaptive' } };
    assert.equal(keepThinkingValid(b), false);
  });

  it('gets a converted manual-thinking tool loop accepted by the strict Anthropic fake', async () => {
    const s = await startClassic();
    try {
      const b = toolLoop({ type: 'thinking', thinking: 'MiniMax plans to read', signature: sha('MiniMax plans to read') });
      const r = await postMessages(s.gateway.url, { ...b, stream: true }, 'manual-loop');
      assert.equal(r.status, 200, r.text.slice(0, 400));
      const sent = s.anthropic.messageBodies()[0]!;
      assert.equal(sent.thinking, undefined);
      assert.equal(sent.context_management, undefined);
      assert.equal((sent.messages[1]!.content as ContentBlock[])[0]!.text, `${THOUGHT_PREFIX}MiniMax plans to read`);
    } finally {
      await s.close();
    }
  });
});
