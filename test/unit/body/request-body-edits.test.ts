import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanTopLevel } from '../../../src/body/json-scan.js';
import { REMOVE_FIELD, RequestBody } from '../../../src/body/request-body.js';

const bodyOf = (v: unknown, pretty = false): RequestBody => {
  const raw = Buffer.from(pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v));
  return new RequestBody(raw, scanTopLevel(raw, 'messages'));
};
const parsedOut = (b: RequestBody): unknown => JSON.parse(b.outgoing().toString('utf8'));

describe('RequestBody edits without a full parse', () => {
  it('merges a run of messages into one and keeps later spans right', () => {
    const b = bodyOf({ model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'system', content: 'b' }, { role: 'assistant', content: 'c' }], tail: 1 });
    b.replaceElementRuns([{ first: 0, last: 1, value: { role: 'user', content: 'ab' } }]);
    assert.equal(b.isParsed, false);
    assert.deepEqual(parsedOut(b), { model: 'm', messages: [{ role: 'user', content: 'ab' }, { role: 'assistant', content: 'c' }], tail: 1 });
    assert.equal(b.messageCount(), 2);
    assert.deepEqual(b.lastMessage(), { role: 'assistant', content: 'c' });
    assert.equal(b.field('tail'), 1);
  });

  it('refuses overlapping runs', () => {
    const b = bodyOf({ messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }, { role: 'user', content: 'c' }] });
    assert.throws(() => b.replaceElementRuns([{ first: 0, last: 1, value: {} }, { first: 1, last: 2, value: {} }]), /overlapping/);
  });

  for (const pretty of [false, true]) {
    it(`deletes the first, a middle and the last field${pretty ? ' of pretty-printed JSON' : ''}`, () => {
      const b = bodyOf({ a: 1, messages: [{ role: 'user', content: 'x' }], b: { c: [1, 2] }, z: 'end' }, pretty);
      b.deleteField('a');
      b.deleteField('b');
      b.deleteField('z');
      b.deleteField('missing');
      assert.equal(b.isParsed, false);
      assert.deepEqual(parsedOut(b), { messages: [{ role: 'user', content: 'x' }] });
      assert.deepEqual(b.fieldNames(), ['messages']);
      assert.deepEqual(b.lastMessage(), { role: 'user', content: 'x' });
    });
  }

  it('deletes fields and merges messages in any order, always agreeing with JSON.parse', () => {
    const message = fc.record({ role: fc.constantFrom('user', 'assistant', 'system'), content: fc.oneof(fc.string(), fc.array(fc.record({ type: fc.constant('text'), text: fc.string() }), { maxLength: 2 })) });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== 'messages' && k !== '__proto__'), fc.jsonValue(), { maxKeys: 5 }),
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.nat(),
        (extra, messages, cut, runStart) => {
          const value = { ...extra, messages };
          const b = bodyOf(value);
          const keys = Object.keys(extra);
          const gone = keys.length > 0 ? keys[cut % keys.length]! : undefined;
          if (gone !== undefined) b.deleteField(gone);
          const first = runStart % messages.length;
          const last = Math.min(messages.length - 1, first + (cut % 3));
          b.replaceElementRuns([{ first, last, value: { role: 'user', content: 'merged' } }]);
          const expected: Record<string, unknown> = { ...value, messages: [...messages.slice(0, first), { role: 'user', content: 'merged' }, ...messages.slice(last + 1)] };
          if (gone !== undefined) delete expected[gone];
          assert.deepEqual(parsedOut(b), JSON.parse(JSON.stringify(expected)));
          assert.equal(b.messageCount(), (expected.messages as unknown[]).length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('applies several field edits in one copy, agreeing with the same edits on the object', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.jsonValue(), { maxKeys: 5 }),
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'x', 'y'), fc.option(fc.jsonValue(), { nil: undefined })), { maxLength: 6 }),
        fc.boolean(),
        (extra, ops, pretty) => {
          const value: Record<string, unknown> = JSON.parse(JSON.stringify({ ...extra, messages: [{ role: 'user', content: 'q' }], z: 1 }));
          const b = bodyOf(value, pretty);
          const edits = new Map<string, unknown>();
          for (const [k, v] of ops) edits.set(k, v === undefined ? REMOVE_FIELD : v);
          b.applyFieldEdits(edits);
          const expected: Record<string, unknown> = { ...value };
          for (const [k, v] of edits) {
            if (v === REMOVE_FIELD) delete expected[k];
            else expected[k] = JSON.parse(JSON.stringify(v ?? null));
          }
          assert.deepEqual(parsedOut(b), expected);
          assert.deepEqual(b.lastMessage(), { role: 'user', content: 'q' });
          assert.equal(b.isParsed, false);
          for (const k of Object.keys(expected)) assert.deepEqual(b.field(k), expected[k]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
