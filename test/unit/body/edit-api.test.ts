import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanTopLevel } from '../../../src/body/json-scan.js';
import { RequestBody } from '../../../src/body/request-body.js';
import type { Message } from '../../../src/pipeline/messages.js';
import { locateUserText } from '../../../src/pipeline/user-text.js';

const SAMPLE = {
  model: 'claude-opus-4-8',
  metadata: { user_id: 'u1', tag: 'a' },
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'mmexec fix the tests' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
    { role: 'user', content: 'mmexec again' },
  ],
  max_tokens: 100,
};

/** A body as the gateway receives it: `parsed` builds the whole object first, as a transform before may have. */
function bodyOf(parsed: boolean): RequestBody {
  const raw = Buffer.from(JSON.stringify(SAMPLE));
  const b = new RequestBody(raw, scanTopLevel(raw, 'messages'));
  if (parsed) void b.json;
  return b;
}
const out = (b: RequestBody): unknown => JSON.parse(b.outgoing().toString('utf8'));
const upper = (m: Message): Message | undefined => (typeof m.content === 'string' ? { ...m, content: m.content.toUpperCase() } : undefined);

// Each edit, applied through the one API, gives the same body parsed or not, and leaves an unparsed body unparsed.
const EDITS: Array<[string, (b: RequestBody) => void, (want: typeof SAMPLE) => void]> = [
  ['set a top-level field', (b) => b.setPath(['max_tokens'], 7), (w) => void (w.max_tokens = 7)],
  ['set a nested field', (b) => b.setPath(['metadata', 'tag'], 'b'), (w) => void (w.metadata.tag = 'b')],
  ['create a nested field', (b) => b.setPath(['extra', 'deep', 'x'], 1), (w) => void Object.assign(w, { extra: { deep: { x: 1 } } })],
  ['delete a nested field', (b) => assert.equal(b.deletePath(['metadata', 'user_id']), true), (w) => void delete (w.metadata as Partial<typeof w.metadata>).user_id],
  ['delete a missing field', (b) => assert.equal(b.deletePath(['metadata', 'nope', 'x']), false), () => undefined],
  ['edit one message', (b) => b.editMessage(1, (m) => void (m.content = 'changed')), (w) => void (w.messages[1]!.content = 'changed' as never)],
  ['map messages', (b) => assert.equal(b.editMessages(upper), 1), (w) => void (w.messages[2]!.content = 'MMEXEC AGAIN')],
  ['map only the messages holding a word', (b) => b.editMessages(upper, b.messagesWith([Buffer.from('again')])), (w) => void (w.messages[2]!.content = 'MMEXEC AGAIN')],
  [
    "edit the user's text",
    (b) => {
      const at = locateUserText(b.messageCount(), (i) => b.message(i))!;
      assert.ok(b.editUserText(at, 'again'));
    },
    (w) => void (w.messages[2]!.content = 'again'),
  ],
];

describe('the body edit API', () => {
  for (const [name, edit, expect] of EDITS) {
    it(`can ${name} the same way whether or not the body was parsed`, () => {
      const want = structuredClone(SAMPLE);
      expect(want);
      for (const parsed of [false, true]) {
        const b = bodyOf(parsed);
        edit(b);
        assert.deepEqual(out(b), want, parsed ? 'parsed' : 'unparsed');
        assert.equal(b.isParsed, parsed, 'an unparsed body stays unparsed');
      }
    });
  }

  it('replaces the whole body', () => {
    const b = bodyOf(false);
    b.replaceWith({ model: 'x', messages: [] });
    assert.deepEqual(out(b), { model: 'x', messages: [] });
    assert.equal(b.field('model'), 'x');
  });

  it('is the only way transforms, thinking and profiles change a body (none asks whether it is parsed)', () => {
    const src = new URL('../../../src/', import.meta.url);
    for (const dir of ['transforms', 'thinking', 'profiles']) {
      for (const f of readdirSync(new URL(`${dir}/`, src))) {
        const text = readFileSync(new URL(`${dir}/${f}`, src), 'utf8');
        assert.doesNotMatch(text, /\bisParsed\b|markChanged\(|replaceElements\(|replaceElementRuns\(/, `${dir}/${f}`);
      }
    }
  });
});
