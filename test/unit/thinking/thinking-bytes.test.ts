/** Thinking conversion in the bytes versus parsing the body, converting the object and serialising it again. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RequestBody } from '../../../src/body/request-body.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import type { Message } from '../../../src/pipeline/messages.js';
import { convertForeignThinking, convertMessages } from '../../../src/thinking/convert.js';
import { convertBodyThinking } from '../../../src/thinking/convert-body.js';
import { ThinkingStore } from '../../../src/thinking/thinking-store.js';
import { CAPTURED_BODIES, capturedBody } from '../../support/claude-code-fixtures.js';

const sha = (t: string): string => createHash('sha256').update(t).digest('hex');

/** Two thinking stores with the same recorded hashes: one per side of a comparison. */
async function storesRecording(hashes: readonly string[]): Promise<[ThinkingStore, ThinkingStore]> {
  const make = async (): Promise<ThinkingStore> => {
    const state = new MemoryStore();
    for (const h of hashes) await state.set('thinking', h, '1', 3600);
    return new ThinkingStore(state, 3600, () => {});
  };
  return [await make(), await make()];
}

/**
 * The conversion by parsing and re-serialising: every message whose bytes hold a thinking block is parsed,
 * converted as an object, and the changed ones are serialised back into the body in their place.
 */
async function parseAndSerialise(raw: Buffer, store: ThinkingStore): Promise<{ bytes: Buffer; n: number }> {
  const body = new RequestBody(raw);
  const picked = body.messageSpans().flatMap((span, index) => {
    const bytes = body.bytesOf(span);
    return bytes.includes('"thinking"') ? [{ index, message: JSON.parse(bytes.toString('utf8')) as Message }] : [];
  });
  const { count, changed } = await convertMessages(picked.map((p) => p.message), store);
  body.replaceElements(new Map(picked.filter((p) => changed.has(p.message)).map((p) => [p.index, p.message])));
  return { bytes: body.outgoing(), n: count };
}

/** Converts `raw` both ways; returns the byte rewrite's output, the reference object and both counts. */
async function bothWays(raw: Buffer, recorded: readonly string[]): Promise<{ bytes: Buffer; reference: unknown; n: number; nRef: number }> {
  const [a, b] = await storesRecording(recorded);
  const reference = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  const nRef = await convertForeignThinking(reference, a);
  const body = new RequestBody(raw);
  const n = await convertBodyThinking(body, b);
  assert.equal(body.isParsed, false, 'the body was never parsed as a whole');
  return { bytes: body.outgoing(), reference, n, nRef };
}

// Texts mixing plain words with what needs care: edge whitespace (ASCII and Unicode), escapes, quotes,
// control characters, non-ASCII and lone surrogates.
const piece = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u2028', '\ufeff', '"', '\\', '\u0001', '\u007f', 'é', '😀', '\ud800', '/'),
);
const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));

type Sig = 'own' | 'trimmed' | 'hex' | 'base64' | 'none' | 'number' | 'recorded';
const block = fc.oneof(
  fc.record({
    kind: fc.constant('thinking' as const),
    text: fc.oneof(text, fc.constant(null)),
    sig: fc.constantFrom<Sig>('own', 'trimmed', 'hex', 'base64', 'none', 'number', 'recorded'),
    extra: fc.boolean(),
    sigFirst: fc.boolean(),
  }),
  fc.record({ kind: fc.constantFrom('text' as const, 'redacted_thinking' as const, 'tool_use' as const), text }),
);
const message = fc.record({
  role: fc.constantFrom('user', 'assistant', 'assistant'),
  content: fc.oneof({ weight: 1, arbitrary: text }, { weight: 4, arbitrary: fc.array(block, { maxLength: 5 }) }),
});
const bodies = fc.record({ messages: fc.array(message, { minLength: 1, maxLength: 6 }), thinkingFirst: fc.boolean() });

type Generated = typeof bodies extends fc.Arbitrary<infer T> ? T : never;

/** The body as an object, and the hashes to record in the store (blocks "seen in a non-Anthropic answer"). */
function build(g: Generated): { body: Record<string, unknown>; recorded: string[] } {
  const recorded: string[] = [];
  const messages = g.messages.map((m) => {
    if (typeof m.content === 'string') return { role: m.role, content: m.content };
    const content = m.content.map((b) => {
      if (b.kind === 'text') return { type: 'text', text: b.text };
      if (b.kind === 'redacted_thinking') return { type: 'redacted_thinking', data: b.text };
      if (b.kind !== 'thinking') return { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: b.text, n: 1.5, ok: true, none: null } };
      const t = b.text ?? '';
      const signature = {
        own: sha(t),
        trimmed: sha(t.trim()),
        hex: sha(`${t}-other`),
        base64: Buffer.from(t + 'sig').toString('base64') + 'AAAA',
        none: undefined,
        number: 42,
        recorded: Buffer.from(t).toString('base64') + 'BBBB',
      }[b.sig];
      if (b.sig === 'recorded') recorded.push(sha(t.trim()));
      const core = b.sigFirst ? { signature, thinking: b.text, type: 'thinking' } : { type: 'thinking', thinking: b.text, signature };
      return b.extra ? { ...core, cache_control: { type: 'ephemeral' } } : core;
    });
    return { role: m.role, content };
  });
  const body = g.thinkingFirst ? { thinking: { type: 'adaptive' }, model: 'claude-opus-4-8', messages } : { model: 'claude-opus-4-8', messages, max_tokens: 100 };
  return { body, recorded };
}

describe('thinking conversion in the bytes', () => {
  it('gives byte for byte the body that parsing, converting and serialising gives', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (g) => {
        const { body, recorded } = build(g);
        const raw = Buffer.from(JSON.stringify(body));
        const { bytes, reference, n, nRef } = await bothWays(raw, recorded);
        assert.equal(n, nRef);
        assert.equal(bytes.toString('utf8'), nRef > 0 ? JSON.stringify(reference) : raw.toString('utf8'));
      }),
      { numRuns: 400 },
    );
  });

  it('judges a message it has seen before by the store of the request at hand, and sees a message changed by one byte', async () => {
    const thought = 'a thought from elsewhere';
    const raw = Buffer.from(
      JSON.stringify({
        model: 'claude-opus-4-8',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: thought, signature: `Eq${'C'.repeat(300)}` }, { type: 'text', text: 'ok' }] },
          { role: 'user', content: 'next' },
        ],
      }),
    );
    const convert = async (bytes: Buffer, recorded: string[]): Promise<{ n: number; out: string }> => {
      const [, store] = await storesRecording(recorded);
      const body = new RequestBody(bytes);
      return { n: await convertBodyThinking(body, store), out: body.outgoing().toString('utf8') };
    };
    assert.equal((await convert(raw, [])).n, 0, 'nothing recorded: an Anthropic block');
    const second = await convert(raw, [sha(thought)]);
    assert.equal(second.n, 1, 'the same bytes again, now recorded as foreign: converted');
    assert.ok(second.out.includes(`"text":"previous assistant thought process: ${thought}"`));
    const changed = Buffer.from(raw.toString('utf8').replace(thought, 'a thought from elsewherE'));
    const third = await convert(changed, [sha(thought)]);
    assert.equal(third.n, 0, 'one byte changed: another text, not recorded');
    assert.equal(third.out, changed.toString('utf8'));
  });

  it('keeps other formatting as sent and gives the same JSON as the parsed conversion', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, fc.constantFrom(1, 2, '\t'), async (g, indent) => {
        const { body, recorded } = build(g);
        const raw = Buffer.from(JSON.stringify(body, null, indent));
        const { bytes, reference, n, nRef } = await bothWays(raw, recorded);
        assert.equal(n, nRef);
        assert.deepEqual(JSON.parse(bytes.toString('utf8')), reference);
      }),
      { numRuns: 200 },
    );
  });

  it('gives byte for byte what parsing and re-serialising the converted messages gives, for the captured Claude Code payloads', async () => {
    let converted = 0;
    for (const name of CAPTURED_BODIES) {
      const raw = capturedBody(name);
      const [a, b] = await storesRecording([]);
      const reference = await parseAndSerialise(raw, a);
      const body = new RequestBody(raw);
      assert.equal(await convertBodyThinking(body, b), reference.n, name);
      assert.equal(body.outgoing().toString('utf8'), reference.bytes.toString('utf8'), name);
      converted += reference.n;
    }
    assert.ok(converted > 0, 'some captured payload holds a block to convert');
  });

  it('removes an empty block with one comma, wherever it stands', async () => {
    const empty = { type: 'thinking', thinking: '  ', signature: sha('  ') };
    const kept = { type: 'text', text: 'a' };
    for (const content of [[empty, kept], [kept, empty], [kept, empty, empty, kept], [empty, empty, kept], [empty, empty]]) {
      const raw = Buffer.from(JSON.stringify({ messages: [{ role: 'assistant', content }, { role: 'user', content: 'q' }] }));
      const { bytes, reference } = await bothWays(raw, []);
      assert.equal(bytes.toString('utf8'), JSON.stringify(reference));
    }
  });
});
