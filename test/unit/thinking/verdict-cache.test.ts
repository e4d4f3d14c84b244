/** The thinking verdict cache answers the same for a signature given as a string or as its bytes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestBody } from '../../../src/body/request-body.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import { convertBodyThinking } from '../../../src/thinking/convert-body.js';
import { ThinkingStore } from '../../../src/thinking/thinking-store.js';

const store = (): ThinkingStore => new ThinkingStore(new MemoryStore(), 3600, () => {});

describe('thinking verdict cache', () => {
  for (const [name, signature] of [
    ['short', 'EqQBCkgIARABGAIiQL'],
    ['long', `Eq${'A'.repeat(900)}==`],
  ] as const) {
    it(`finds a ${name} signature's verdict set from the string when asked with its bytes, and back`, () => {
      const s = store();
      s.verdicts.set(signature, true);
      assert.equal(s.verdicts.get(Buffer.from(signature)), true);
      s.verdicts.set(Buffer.from(signature), false);
      assert.equal(s.verdicts.get(signature), false);
    });
  }

  it('judges a block in the bytes by a verdict cached from the string (no store lookup), escaped signatures too', async () => {
    const s = store();
    const plain = `Eq${'B'.repeat(400)}`;
    // A cached "foreign" verdict converts a block that nothing else marks as foreign.
    s.verdicts.set(plain, true);
    s.verdicts.set('sigA/+', true);
    const raw = Buffer.from(
      `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[` +
        `{"type":"thinking","thinking":"one","signature":"${plain}"},` +
        `{"type":"thinking","thinking":"two","signature":"sig\\u0041\\/+"},` +
        `{"type":"thinking","thinking":"three","signature":"other"},` +
        `{"type":"text","text":"answer"}]},{"role":"user","content":"next"}]}`,
    );
    const body = new RequestBody(raw);
    assert.equal(await convertBodyThinking(body, s), 2);
    const out = JSON.parse(body.outgoing().toString('utf8')) as { messages: Array<{ content: Array<{ type: string; text?: string; thinking?: string }> }> };
    assert.deepEqual(
      out.messages[1]!.content.map((b) => b.type === 'text' ? b.text : b.thinking),
      ['previous assistant thought process: one', 'previous assistant thought process: two', 'three', 'answer'],
    );
  });
});
