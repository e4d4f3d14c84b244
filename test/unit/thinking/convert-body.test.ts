import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { RequestBody } from '../../../src/body/request-body.js';
import { CAPTURED_BODIES, capturedBody } from '../../support/claude-code-fixtures.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import { convertForeignThinking } from '../../../src/thinking/convert.js';
import { convertBodyThinking } from '../../../src/thinking/convert-body.js';
import { ThinkingStore } from '../../../src/thinking/thinking-store.js';

const FIXTURES = CAPTURED_BODIES.map((n) => capturedBody(n));
const newStore = (): ThinkingStore => new ThinkingStore(new MemoryStore(), 3600, () => {});
const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

describe('thinking conversion on an unparsed body', () => {
  it('gives the same body as converting the parsed object, for the real Claude Code payloads', async () => {
    for (const raw of FIXTURES) {
      const whole = JSON.parse(raw.toString()) as Record<string, unknown>;
      const n1 = await convertForeignThinking(whole, newStore());
      const body = new RequestBody(raw);
      const n2 = await convertBodyThinking(body, newStore());
      assert.equal(n2, n1);
      assert.deepEqual(JSON.parse(body.outgoing().toString()), whole);
      assert.equal(body.isParsed, false, 'the body as a whole was never parsed');
    }
  });

  it('skips messages whose thinking is signed with known Anthropic signatures, keeping their bytes', async () => {
    const anthropicSig = 'A'.repeat(300);
    const foreignText = 'MiniMax thought';
    const raw = Buffer.from(
      JSON.stringify({
        model: 'claude-opus-4-8',
        messages: [
          { role: 'user', content: 'q1' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'opus thought', signature: anthropicSig }, { type: 'text', text: 'a1' }] },
          { role: 'user', content: 'q2' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: foreignText, signature: sha(foreignText) }, { type: 'text', text: 'a2' }] },
          { role: 'user', content: 'q3' },
        ],
      }),
    );
    const store = newStore();
    store.verdicts.set(anthropicSig, false);
    const body = new RequestBody(raw);
    assert.equal(await convertBodyThinking(body, store), 1);
    const out = JSON.parse(body.outgoing().toString()) as { messages: Array<{ content: unknown }> };
    assert.deepEqual(out.messages[1]!.content, [{ type: 'thinking', thinking: 'opus thought', signature: anthropicSig }, { type: 'text', text: 'a1' }]);
    assert.deepEqual(out.messages[3]!.content, [{ type: 'text', text: `previous assistant thought process: ${foreignText}` }, { type: 'text', text: 'a2' }]);
    assert.equal(body.lastMessage()!.content, 'q3', 'the index still points at the right bytes after splicing');
  });
});
