/**
 * Any Messages request the gateway accepts translates to a Chat Completions request a strict OpenAI endpoint
 * accepts (OpenAI's published schema plus its pairing rules), whatever it holds: blocks of every type, tools of
 * any name and schema, server tools, thinking settings, values out of range, unknown fields.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GatewayError } from '../../../../src/errors.js';
import { openaiChat } from '../../../../src/protocols/openai-chat/index.js';
import { parseBody } from '../../../../src/pipeline/parse-body.js';
import { checkChatRequest } from '../../../support/openai-chat-validation.js';

const text = fc.string({ maxLength: 20 });
const id = fc.constantFrom('toolu_1', 'toolu_2', 'toolu_3', 'call_x');
const b64 = fc.constantFrom('iVBORw0KGgo=', 'JVBERi0=', '');
const image = fc.record({ type: fc.constant('image'), source: fc.oneof(
  fc.record({ type: fc.constant('base64'), media_type: fc.constantFrom('image/png', 'image/jpeg'), data: b64 }),
  fc.record({ type: fc.constant('url'), url: fc.constant('https://example.com/a.png') }),
  fc.record({ type: fc.constant('file'), file_id: text }),
) });
const document = fc.record({ type: fc.constant('document'), source: fc.oneof(
  fc.record({ type: fc.constant('base64'), media_type: fc.constantFrom('application/pdf', 'text/plain'), data: b64 }),
  fc.record({ type: fc.constant('text'), media_type: fc.constant('text/plain'), data: text }),
) }, { requiredKeys: ['type', 'source'] });
const textBlock = fc.record({ type: fc.constant('text'), text, cache_control: fc.constant({ type: 'ephemeral' }) }, { requiredKeys: ['type', 'text'] });
const toolResult = fc.record({
  type: fc.constant('tool_result'), tool_use_id: id,
  content: fc.oneof(text, fc.array(fc.oneof(textBlock, image, fc.record({ type: fc.constant('search_result'), title: text })), { maxLength: 3 })),
  is_error: fc.boolean(),
}, { requiredKeys: ['type', 'tool_use_id'] });
const toolUse = fc.record({ type: fc.constant('tool_use'), id, name: fc.constantFrom('Bash', 'Read', 'mcp__x__y'), input: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) });
const thinking = fc.record({ type: fc.constant('thinking'), thinking: text, signature: fc.constantFrom('', 'EqQBCkYI', 'a'.repeat(64)) });
const other = fc.record({ type: fc.constantFrom('redacted_thinking', 'server_tool_use', 'web_search_tool_result', 'container_upload'), data: text });

const userContent = fc.oneof(text, fc.array(fc.oneof(textBlock, image, document, toolResult, other), { minLength: 1, maxLength: 4 }));
const assistantContent = fc.oneof(text, fc.array(fc.oneof(textBlock, toolUse, thinking, other), { minLength: 1, maxLength: 4 }));
const message = fc.oneof(
  fc.record({ role: fc.constant('user'), content: userContent }),
  fc.record({ role: fc.constant('assistant'), content: assistantContent }),
);
const schema = fc.oneof(
  fc.constant({ type: 'object' }),
  fc.constant({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { a: { type: 'string', format: 'uri' } }, required: ['a'], additionalProperties: false }),
  fc.dictionary(fc.constantFrom('type', 'properties', '$id', 'anyOf', 'description'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
const tool = fc.oneof(
  fc.record({ name: fc.oneof(fc.constantFrom('Bash', 'Read', 'mcp__srv__tool'), fc.string({ maxLength: 70 })), description: text, input_schema: schema, cache_control: fc.constant({ type: 'ephemeral' }) }, { requiredKeys: ['name', 'input_schema'] }),
  fc.record({ type: fc.constantFrom('web_search_20250305', 'bash_20250124', 'custom'), name: fc.constantFrom('web_search', 'bash', 'Bash') }),
);
const request = fc.record({
  model: fc.constantFrom('claude-sonnet-4-6', 'claude-opus-4-8'),
  max_tokens: fc.oneof(fc.integer({ min: 1, max: 64000 }), fc.constant(0), fc.double()),
  messages: fc.array(message, { minLength: 1, maxLength: 6 }),
  system: fc.oneof(text, fc.array(fc.oneof(textBlock, image), { maxLength: 3 })),
  stop_sequences: fc.array(text, { maxLength: 6 }),
  temperature: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(3)),
  top_p: fc.double({ min: 0, max: 1, noNaN: true }),
  top_k: fc.integer({ min: 1, max: 500 }),
  stream: fc.boolean(),
  thinking: fc.oneof(fc.record({ type: fc.constant('enabled'), budget_tokens: fc.integer({ min: 1024, max: 64000 }) }), fc.constant({ type: 'adaptive' }), fc.constant({ type: 'disabled' })),
  output_config: fc.record({ effort: fc.constantFrom('low', 'medium', 'high', 'max', 'bogus'), format: fc.constant({ type: 'json_schema', schema: {} }) }, { requiredKeys: [] }),
  tools: fc.array(tool, { maxLength: 4 }),
  tool_choice: fc.oneof(fc.record({ type: fc.constantFrom('auto', 'any', 'none') , disable_parallel_tool_use: fc.boolean() }), fc.record({ type: fc.constant('tool'), name: fc.constantFrom('Bash', 'Nope') })),
  metadata: fc.constant({ user_id: '{"device_id":"x"}' }),
  context_management: fc.constant({ edits: [{ type: 'clear_thinking_20251015' }] }),
}, { requiredKeys: ['model', 'max_tokens', 'messages'] });

describe('openai-chat translation of any accepted request', () => {
  it('is accepted by a strict Chat Completions endpoint', () => {
    fc.assert(fc.property(request, fc.boolean(), fc.constantFrom('system', 'developer') as fc.Arbitrary<'system' | 'developer'>, (body, reasoningContent, systemRole) => {
      const raw = Buffer.from(JSON.stringify(body));
      parseBody('POST', '/v1/messages', raw); // the gateway accepts it (throws otherwise)
      let t;
      try {
        t = openaiChat.translateRequest(JSON.parse(raw.toString()) as Record<string, unknown>, { model: 'gpt-5.4-mini', reasoningContent, systemRole });
      } catch (err) {
        // A conversation with nothing sendable is refused as the client's error, never sent.
        assert.ok(err instanceof GatewayError && err.code === 'messages_invalid', String(err));
        return;
      }
      const refused = checkChatRequest(t.body, { reasoningContent });
      assert.equal(refused, null, `${refused}\n${JSON.stringify(t.body).slice(0, 2000)}`);
      for (const n of t.notes) assert.equal(typeof n, 'string');
    }), { numRuns: 400 });
  });
});
