/** RequestBody.messagesHolding: one search for needles sharing a prefix gives what a search per needle gives. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RequestBody } from '../../../src/body/request-body.js';

const word = fc.array(fc.constantFrom('m', 'e', 'x', 'c', 's', 't', ' ', '"'), { maxLength: 14 }).map((cs) => cs.join(''));

describe('messages holding a word', () => {
  it('finds the messages holding any needle, overlapping or sharing a prefix', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.array(word.filter((w) => w.length > 0), { minLength: 1, maxLength: 4 }), (texts, words) => {
        const raw = Buffer.from(JSON.stringify({ model: 'm', messages: texts.map((t) => ({ role: 'user', content: t })) }));
        const body = new RequestBody(raw);
        const needles = words.map((w) => Buffer.from(JSON.stringify(w).slice(1, -1)));
        const expected = body.messageSpans().flatMap((s, i) => (needles.some((n) => body.bytesOf(s).includes(n)) ? [i] : []));
        assert.deepEqual(body.messagesHolding(needles), expected);
        assert.deepEqual(body.messagesHolding(needles), expected, 'the same answer from the remembered hits');
      }),
      { numRuns: 500 },
    );
  });

  it('searches the bytes again after an edit', () => {
    const raw = Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'mmexec a' }, { role: 'user', content: 'b' }] }));
    const body = new RequestBody(raw);
    const needles = [Buffer.from('mmexec'), Buffer.from('mmrelease')];
    assert.deepEqual(body.messagesHolding(needles), [0]);
    body.replaceElements(new Map([[0, { role: 'user', content: 'a' }], [1, { role: 'user', content: 'mmrelease b' }]]));
    assert.deepEqual(body.messagesHolding(needles), [1]);
  });
});
