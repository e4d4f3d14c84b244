/**
 * A fast-check generator of Anthropic Messages requests of the shapes Claude Code sends (as the captures in
 * test/fixtures/claude-code show, plus the blocks its tools produce): system text blocks with cache marks,
 * system-role turns, user text / image / document / tool_result blocks, assistant text / thinking (Anthropic,
 * self-hash and this gateway's reasoning signatures) / redacted_thinking / tool_use blocks, client and server
 * tools, thinking and effort settings, sampling fields and the fields without a Responses counterpart.
 */
import fc from 'fast-check';
import { encodeReasoningSignature } from '../../../../src/protocols/openai-responses/reasoning-signature.js';

type Obj = Record<string, unknown>;

const text = fc.string({ minLength: 1, maxLength: 40 });
const cache = fc.option(fc.constant({ type: 'ephemeral' }), { nil: undefined });
const id = fc.stringMatching(/^toolu_[A-Za-z0-9]{8,24}$/);
const toolName = fc.constantFrom('Bash', 'Read', 'Edit', 'Glob', 'Grep', 'Task', 'mcp__srv__do_thing', 'WebFetch');
const base64 = fc.base64String({ minLength: 4, maxLength: 24 });

const withCache = (b: Obj, c: unknown): Obj => (c === undefined ? b : { ...b, cache_control: c });

const textBlock = fc.tuple(text, cache).map(([t, c]) => withCache({ type: 'text', text: t }, c));
const image = fc.oneof(
  fc.tuple(fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'image/gif'), base64).map(([m, d]) => ({ type: 'image', source: { type: 'base64', media_type: m, data: d } })),
  fc.webUrl().map((url) => ({ type: 'image', source: { type: 'url', url } })),
);
const documentBlock = fc.oneof(
  base64.map((d) => ({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: d } })),
  text.map((d) => ({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: d }, title: 'notes.txt' })),
);
const toolResult = fc
  .record({ tool_use_id: id, content: fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.oneof(textBlock, image), { maxLength: 3 })), is_error: fc.option(fc.boolean(), { nil: undefined }), c: cache })
  .map(({ c, ...r }) => withCache({ type: 'tool_result', ...JSON.parse(JSON.stringify(r)) as Obj }, c));

const json = fc.jsonValue({ maxDepth: 2 });
const thinking = fc.oneof(
  fc.tuple(text, base64).map(([t, s]) => ({ type: 'thinking', thinking: t, signature: `Eq${s}` })),
  fc.tuple(text, fc.stringMatching(/^[0-9a-f]{64}$/)).map(([t, s]) => ({ type: 'thinking', thinking: t, signature: s })),
  fc
    .record({ t: text, id: fc.stringMatching(/^rs_[0-9a-f]{8,40}$/), ec: fc.option(base64, { nil: undefined }), s: fc.boolean() })
    .map(({ t, id: rid, ec, s }) => ({ type: 'thinking', thinking: t, signature: encodeReasoningSignature({ id: rid, encryptedContent: ec, summarised: s }) })),
);
const assistantBlock = fc.oneof(
  textBlock,
  thinking,
  base64.map((d) => ({ type: 'redacted_thinking', data: d })),
  fc.record({ id, name: toolName, input: fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 }) }).map((b) => ({ type: 'tool_use', ...b })),
);
const userBlock = fc.oneof({ weight: 4, arbitrary: textBlock }, { weight: 1, arbitrary: image }, { weight: 1, arbitrary: documentBlock }, { weight: 3, arbitrary: toolResult });

const message = fc.oneof(
  fc.oneof(text, fc.array(userBlock, { minLength: 1, maxLength: 4 })).map((content) => ({ role: 'user', content })),
  fc.array(assistantBlock, { minLength: 1, maxLength: 4 }).map((content) => ({ role: 'assistant', content })),
  fc.array(textBlock, { minLength: 1, maxLength: 2 }).map((content) => ({ role: 'system', content })),
);

const schema = fc.oneof(
  fc.constant({ '[cut]': 'JSON Schema, 812 bytes' }),
  fc.record({ type: fc.constant('object'), properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.record({ type: fc.constantFrom('string', 'number', 'boolean', 'array') }), { maxKeys: 4 }) }),
  fc.constant({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] } }, additionalProperties: false }),
  fc.constant({ anyOf: [{ type: 'object' }, { type: 'null' }] }),
);
const tool = fc.oneof(
  { weight: 5, arbitrary: fc.record({ name: toolName, description: text, input_schema: schema, defer_loading: fc.option(fc.constant(true), { nil: undefined }) }).map((t) => JSON.parse(JSON.stringify(t)) as Obj) },
  { weight: 1, arbitrary: fc.constant({ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }) },
);

const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** One request body; undefined fields are absent. */
export function claudeCodeRequest(): fc.Arbitrary<Obj> {
  return fc
    .record({
      model: fc.constantFrom('claude-opus-4-8', 'claude-sonnet-4-6', 'claude-haiku-4-5'),
      system: optional(fc.oneof(text, fc.array(textBlock, { minLength: 1, maxLength: 3 }))),
      messages: fc.array(message, { minLength: 1, maxLength: 6 }),
      tools: optional(fc.array(tool, { maxLength: 4 })),
      tool_choice: optional(fc.oneof(fc.constant({ type: 'auto' }), fc.constant({ type: 'any' }), fc.constant({ type: 'none' }), toolName.map((name) => ({ type: 'tool', name })))),
      max_tokens: fc.integer({ min: 1, max: 128000 }),
      thinking: optional(fc.oneof(fc.constant({ type: 'adaptive' }), fc.constant({ type: 'adaptive', display: 'updates' }), fc.constant({ type: 'disabled' }), fc.integer({ min: 1024, max: 63999 }).map((b) => ({ type: 'enabled', budget_tokens: b })))),
      output_config: optional(fc.record({ effort: optional(fc.constantFrom('low', 'medium', 'high', 'max')), format: optional(fc.constant({ type: 'json_schema', schema: { type: 'object', properties: { title: { type: 'string' } } } })) })),
      temperature: optional(fc.double({ min: 0, max: 1, noNaN: true })),
      top_p: optional(fc.double({ min: 0, max: 1, noNaN: true })),
      top_k: optional(fc.integer({ min: 1, max: 500 })),
      stop_sequences: optional(fc.array(text, { maxLength: 2 })),
      metadata: optional(fc.constant({ user_id: '{"device_id":"d","session_id":"s"}' })),
      context_management: optional(fc.constant({ edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] })),
      stream: fc.boolean(),
    })
    .map((r) => JSON.parse(JSON.stringify(r)) as Obj);
}
