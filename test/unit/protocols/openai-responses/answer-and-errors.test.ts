import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openaiResponses } from '../../../../src/protocols/openai-responses/index.js';
import { decodeReasoningSignature } from '../../../../src/protocols/openai-responses/reasoning-signature.js';
import { fixtureText } from './stream-support.js';

describe('buffered answer translation', () => {
  it('turns reasoning, text and a function call into thinking, text and tool_use blocks', () => {
    const msg = openaiResponses.translateAnswer(JSON.parse(fixtureText('answer.json')), 'claude-sonnet-4-6') as Record<string, unknown>;
    const content = msg.content as Array<Record<string, unknown>>;
    assert.match(msg.id as string, /^msg_[0-9a-f]{32}$/);
    assert.deepEqual({ ...msg, id: undefined, content: undefined }, {
      id: undefined,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: undefined,
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 1024, output_tokens: 77, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 },
    });
    assert.equal(content[0]!.type, 'thinking');
    assert.equal(content[0]!.thinking, 'Reading the file first.');
    assert.deepEqual(decodeReasoningSignature(content[0]!.signature), { id: 'rs_718293a4b5c6d7e801', encryptedContent: 'gAAAAABoEncryptedReasoningBlobThree==', summarised: true });
    assert.deepEqual(content.slice(1), [
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'call_C3', name: 'Read', input: { file_path: '/tmp/a.txt' } },
    ]);
  });

  it('gives each translation of the same answer its own message id', () => {
    const json = JSON.parse(fixtureText('answer.json')) as unknown;
    const [a, b] = [openaiResponses.translateAnswer(json, 'm'), openaiResponses.translateAnswer(json, 'm')] as Array<{ id: string }>;
    assert.notEqual(a!.id, b!.id);
  });

  it('reports max_tokens for an answer cut by max_output_tokens, and the served model when none was asked for', () => {
    const msg = openaiResponses.translateAnswer(
      { id: 'resp_9', model: 'gpt-5.4', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', content: [{ type: 'output_text', text: 'Cut' }] }] },
      undefined,
    ) as Record<string, unknown>;
    assert.equal(msg.stop_reason, 'max_tokens');
    assert.equal(msg.model, 'gpt-5.4');
    assert.deepEqual(msg.content, [{ type: 'text', text: 'Cut' }]);
  });

  it('gives an answer that is not an object an empty message rather than throwing', () => {
    const msg = openaiResponses.translateAnswer('nonsense', 'm') as Record<string, unknown>;
    assert.deepEqual(msg.content, []);
    assert.equal(msg.stop_reason, 'end_turn');
  });
});

describe('error translation', () => {
  const oai = (message: string, type: string, code: string | null = null): unknown => ({ error: { message, type, param: null, code } });
  const cases: Array<[number, unknown, number, string, string]> = [
    [400, oai("Unsupported parameter: 'stop'.", 'invalid_request_error', 'unsupported_parameter'), 400, 'invalid_request_error', "Unsupported parameter: 'stop'."],
    [401, oai('Incorrect API key provided: sk-abc.', 'invalid_request_error', 'invalid_api_key'), 402, 'authentication_error', 'Incorrect API key provided: sk-abc.'],
    [403, oai('Project does not have access to model gpt-5.4', 'invalid_request_error', 'model_not_found'), 403, 'permission_error', 'Project does not have access to model gpt-5.4'],
    [404, oai('The model `gpt-9` does not exist.', 'invalid_request_error', 'model_not_found'), 404, 'not_found_error', 'The model `gpt-9` does not exist.'],
    [429, oai('Rate limit reached for gpt-5.4.', 'requests', 'rate_limit_exceeded'), 429, 'rate_limit_error', 'Rate limit reached for gpt-5.4.'],
    [429, oai('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota'), 402, 'billing_error', 'You exceeded your current quota.'],
    [500, oai('The server had an error while processing your request.', 'server_error'), 500, 'api_error', 'The server had an error while processing your request.'],
    [503, oai('The engine is currently overloaded.', 'server_error'), 503, 'overloaded_error', 'The engine is currently overloaded.'],
    [400, oai('Your input exceeds the context window of this model.', 'invalid_request_error', 'context_length_exceeded'), 400, 'invalid_request_error', 'prompt is too long: Your input exceeds the context window of this model.'],
    [502, 'Bad Gateway', 502, 'api_error', 'Bad Gateway'],
    [500, undefined, 500, 'api_error', 'upstream answered HTTP 500'],
  ];
  for (const [status, json, wantStatus, type, message] of cases) {
    it(`answers ${status} ${String(JSON.stringify(json)).slice(0, 60)} with ${wantStatus} ${type}`, () => {
      assert.deepEqual(openaiResponses.translateError(status, json), { status: wantStatus, json: { type: 'error', error: { type, message } } });
    });
  }
});
