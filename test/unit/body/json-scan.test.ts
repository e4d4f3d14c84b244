import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JsonScanError, scanTopLevel } from '../../../src/body/json-scan.js';
import { RequestBody } from '../../../src/body/request-body.js';
import { CAPTURED_BODIES, capturedBody } from '../../support/claude-code-fixtures.js';

const FIXTURES = CAPTURED_BODIES.map((n) => capturedBody(n));

describe('top-level JSON scan', () => {
  it('finds every top-level value and message of the real Claude Code bodies', () => {
    for (const raw of FIXTURES) {
      const obj = JSON.parse(raw.toString()) as Record<string, unknown> & { messages: unknown[] };
      const idx = scanTopLevel(raw, 'messages');
      assert.deepEqual([...idx.keys.keys()].sort(), Object.keys(obj).sort());
      for (const [k, span] of idx.keys) assert.deepEqual(JSON.parse(raw.toString('utf8', span.start, span.end)), obj[k], k);
      assert.equal(idx.elements!.length, obj.messages.length);
      idx.elements!.forEach((e, i) => assert.deepEqual(JSON.parse(raw.toString('utf8', e.start, e.end)), obj.messages[i]));
    }
  });

  it('agrees with JSON.parse on random objects, whatever the spacing', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()), fc.boolean(), (obj, messages, spaced) => {
        const full = { ...obj, messages };
        const text = spaced ? JSON.stringify(full, null, 2) : JSON.stringify(full);
        const idx = scanTopLevel(Buffer.from(text), 'messages');
        const reparsed = JSON.parse(text) as Record<string, unknown>;
        for (const [k, span] of idx.keys) assert.deepEqual(JSON.parse(Buffer.from(text).toString('utf8', span.start, span.end)), reparsed[k]);
        assert.equal(idx.elements!.length, messages.length);
      }),
      { numRuns: 300 },
    );
  });

  const bad = ['', 'notjson', '[1,2]', '{"a":1', '{"a":"unterminated}', '{"a": nope}', '{"a":1}}', '{"a":[1,2}', '{"a" 1}', '{"a":1,}x', '{"a":1} trailing'];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => scanTopLevel(Buffer.from(text), 'messages'), JsonScanError);
      if (text !== '[1,2]') assert.throws(() => JSON.parse(text));
    });
  }

  it('reads escaped keys and quotes inside strings', () => {
    const text = '{"mess\\u0061ges":[{"content":"say \\"}]\\" \\\\"}],"m":"x"}';
    const idx = scanTopLevel(Buffer.from(text), 'messages');
    assert.equal(idx.elements!.length, 1);
    assert.equal(JSON.parse(Buffer.from(text).toString('utf8', idx.keys.get('m')!.start, idx.keys.get('m')!.end)), 'x');
  });
});

describe('lazily parsed request body', () => {
  it('reads fields and the last message without building the whole object', () => {
    const body = new RequestBody(FIXTURES[2]!);
    const obj = JSON.parse(FIXTURES[2]!.toString()) as { model: string; messages: unknown[] };
    assert.equal(body.field('model'), obj.model);
    assert.deepEqual(body.lastMessage(), obj.messages.at(-1));
    assert.equal(body.messageCount(), obj.messages.length);
    assert.equal(body.isParsed, false);
    assert.equal(body.outgoing(), FIXTURES[2], 'unchanged bodies go out as the same buffer');
  });

  it('splices a new model into the bytes and keeps everything else byte-identical', () => {
    const raw = Buffer.from('{"model":"claude-opus-4-8", "messages":[{"role":"user","content":"hi ☕"}],"stream":true}');
    const body = new RequestBody(raw);
    body.setField('model', 'MiniMax-M2.7');
    assert.equal(body.outgoing().toString(), '{"model":"MiniMax-M2.7", "messages":[{"role":"user","content":"hi ☕"}],"stream":true}');
    body.setField('max_tokens', 5);
    assert.deepEqual(JSON.parse(body.outgoing().toString()), { model: 'MiniMax-M2.7', messages: [{ role: 'user', content: 'hi ☕' }], stream: true, max_tokens: 5 });
    assert.equal(body.changed, true);
  });

  it('tells when the messages surely hold no thinking block', () => {
    assert.equal(new RequestBody(Buffer.from('{"thinking":{"type":"adaptive"},"messages":[{"role":"user","content":"about \\"thinking\\""}]}')).mayHoldThinking(), false);
    assert.equal(new RequestBody(FIXTURES[1]!).mayHoldThinking(), FIXTURES[1]!.toString().includes('"type":"thinking"'));
  });
});

describe('splicing keeps the index right', () => {
  it('reads every field and message correctly after the model changes length', () => {
    for (const raw of FIXTURES) {
      const body = new RequestBody(raw);
      body.setField('model', 'a-much-longer-model-name-than-before');
      const obj = JSON.parse(body.outgoing().toString()) as Record<string, unknown> & { messages: unknown[] };
      assert.equal(obj.model, 'a-much-longer-model-name-than-before');
      for (const key of Object.keys(obj)) assert.deepEqual(body.field(key), obj[key], key);
      assert.deepEqual(body.lastMessage(), obj.messages.at(-1));
      const fresh = scanTopLevel(body.outgoing(), 'messages');
      assert.deepEqual(body.messageSpans(), fresh.elements);
    }
  });
});

describe('replacing messages keeps the index right', () => {
  it('replaces several messages in one splice and reads every message back', () => {
    const raw = FIXTURES[2]!;
    const obj = JSON.parse(raw.toString()) as { messages: unknown[] };
    const body = new RequestBody(raw);
    const n = obj.messages.length;
    const replacements = new Map<number, unknown>([
      [0, { role: 'user', content: 'first, now much longer than before '.repeat(5) }],
      [n - 1, { role: 'user', content: 'x' }],
    ]);
    body.replaceElements(replacements);
    for (const [i, v] of replacements) obj.messages[i] = v;
    assert.deepEqual(JSON.parse(body.outgoing().toString()), obj);
    const fresh = scanTopLevel(body.outgoing(), 'messages');
    assert.deepEqual(body.messageSpans(), fresh.elements);
    assert.deepEqual(body.span('messages'), fresh.keys.get('messages'));
    assert.deepEqual(body.lastMessage(), { role: 'user', content: 'x' });
  });
});
