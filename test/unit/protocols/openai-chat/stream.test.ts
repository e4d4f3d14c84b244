import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openaiChat } from '../../../../src/protocols/openai-chat/index.js';
import { SseReader, type SseEvent } from '../../../../src/upstream/sse-reader.js';
import { streamViolation, type NamedEvent } from '../../../support/anthropic-stream-check.js';

type Obj = Record<string, unknown>;

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/openai/${name}`, import.meta.url), 'utf8');

/** Feeds `text` in pieces cut at `cuts` through the SSE reader and the adapter, and parses what comes out. */
function translate(text: string, cuts: number[] = []): NamedEvent[] {
  const reader = new SseReader();
  const adapter = openaiChat.createStreamAdapter('claude-sonnet-4-6');
  const out: SseEvent[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < text.length).sort((a, b) => a - b), text.length]) {
    for (const ev of reader.push(Buffer.from(text.slice(at, cut)))) out.push(...adapter.push(ev));
    at = cut;
  }
  out.push(...adapter.end());
  return out.map((e) => {
    assert.equal(e.raw, `event: ${e.event}\ndata: ${e.data}\n\n`, 'each event is written as Anthropic writes it');
    return { event: e.event, data: JSON.parse(e.data) as Obj };
  });
}

/** The events with message ids left out (they are unique per answer). */
const withoutIds = (events: NamedEvent[]): NamedEvent[] => events.map((e) => (e.event === 'message_start' ? { ...e, data: { ...e.data, message: { ...(e.data.message as Obj), id: 'msg' } } } : e));

const of = (events: NamedEvent[], name: string): Obj[] => events.filter((e) => e.event === name).map((e) => e.data);

describe('openai-chat stream translation', () => {
  it('streams text with the served model, then stop reason and usage with cached tokens as cache reads', () => {
    const events = translate(fixture('text.sse'));
    assert.equal(streamViolation(events), null);
    const start = of(events, 'message_start')[0]!.message as Obj;
    assert.equal(start.model, 'gpt-5.4-mini-2026-03-17');
    assert.match(String(start.id), /^msg_chatcmpl-B1_[0-9a-f]{12}$/);
    const again = of(translate(fixture('text.sse')), 'message_start')[0]!.message as Obj;
    assert.notEqual(again.id, start.id, 'answers with the same upstream id get different message ids (Claude Code merges turns by id)');
    assert.deepEqual(of(events, 'content_block_delta').map((d) => (d.delta as Obj).text), ['Hello', ' there']);
    const delta = of(events, 'message_delta')[0]!;
    assert.deepEqual(delta.delta, { stop_reason: 'end_turn', stop_sequence: null });
    assert.deepEqual(delta.usage, { input_tokens: 176, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 });
  });

  it('closes the text block before tool blocks and gives parallel tool calls their own dense indexes and ids', () => {
    const events = translate(fixture('parallel-tools.sse'));
    assert.equal(streamViolation(events), null);
    const starts = of(events, 'content_block_start').map((s) => s.content_block as Obj);
    assert.deepEqual(starts, [
      { type: 'text', text: '' },
      { type: 'tool_use', id: 'call_AAA', name: 'Bash', input: {} },
      { type: 'tool_use', id: 'call_BBB', name: 'Read', input: {} },
    ]);
    const json = (i: number): string => of(events, 'content_block_delta').filter((d) => d.index === i).map((d) => (d.delta as Obj).partial_json).join('');
    assert.deepEqual(JSON.parse(json(1)), { command: 'echo hi' });
    assert.deepEqual(JSON.parse(json(2)), { file_path: '/tmp/a' });
    assert.equal((of(events, 'message_delta')[0]!.delta as Obj).stop_reason, 'tool_use');
  });

  it('turns reasoning_content into a thinking block with no signature, and DeepSeek cache hits into cache reads', () => {
    const events = translate(fixture('reasoning-content.sse'));
    assert.equal(streamViolation(events), null);
    const starts = of(events, 'content_block_start').map((s) => s.content_block as Obj);
    assert.deepEqual(starts, [{ type: 'thinking', thinking: '', signature: '' }, { type: 'text', text: '' }]);
    assert.equal(of(events, 'content_block_delta').filter((d) => d.index === 0).map((d) => (d.delta as Obj).thinking).join(''), 'The user wants a greeting.');
    assert.ok(!events.some((e) => (e.data.delta as Obj | undefined)?.type === 'signature_delta'), 'no signature is invented');
    const delta = of(events, 'message_delta')[0]!;
    assert.equal((delta.delta as Obj).stop_reason, 'max_tokens');
    assert.deepEqual(delta.usage, { input_tokens: 18, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 32 });
  });

  it('ends with an Anthropic error event when the upstream sends an error chunk', () => {
    const events = translate(fixture('error-mid-stream.sse'));
    assert.equal(streamViolation(events), null);
    const last = events.at(-1)!;
    assert.equal(last.event, 'error');
    assert.deepEqual((last.data.error as Obj).type, 'api_error');
    assert.match(String((last.data.error as Obj).message), /server had an error/);
  });

  it('ends with an error event, not message_stop, when the stream ends without a finish reason', () => {
    const events = translate(fixture('no-finish.sse'));
    assert.equal(events.at(-1)!.event, 'error');
    assert.equal(of(events, 'message_stop').length, 0);
  });

  const finishes: Array<[string, string]> = [['stop', 'end_turn'], ['length', 'max_tokens'], ['tool_calls', 'tool_use'], ['content_filter', 'refusal']];
  for (const [finish, stop] of finishes) {
    it(`maps finish_reason ${finish} to stop_reason ${stop}`, () => {
      const text = fixture('text.sse').replace('"finish_reason":"stop"', `"finish_reason":"${finish}"`);
      assert.equal((of(translate(text), 'message_delta')[0]!.delta as Obj).stop_reason, stop);
    });
  }

  it('gives the same events however the bytes are split', () => {
    for (const name of ['text.sse', 'parallel-tools.sse', 'reasoning-content.sse', 'error-mid-stream.sse']) {
      const text = fixture(name);
      const whole = withoutIds(translate(text));
      fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
        assert.deepEqual(withoutIds(translate(text, cuts)), whole);
      }), { numRuns: 40 });
    }
  });
});

describe('openai-chat answer and error translation', () => {
  it('translates a chat.completion with reasoning, text and tool calls', () => {
    const msg = openaiChat.translateAnswer({
      id: 'chatcmpl-X', object: 'chat.completion', created: 1, model: 'gpt-5.4',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: 'ok', reasoning_content: 'think', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } }] } }],
      usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 60 } },
    }, 'claude-sonnet-4-6') as Obj;
    assert.match(String(msg.id), /^msg_chatcmpl-X_[0-9a-f]{12}$/);
    assert.deepEqual({ ...msg, id: 'msg' }, {
      id: 'msg', type: 'message', role: 'assistant', model: 'gpt-5.4',
      content: [{ type: 'thinking', thinking: 'think', signature: '' }, { type: 'text', text: 'ok' }, { type: 'tool_use', id: 'call_1', name: 'Bash', input: { command: 'ls' } }],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 60 },
    });
  });

  const errors: Array<[number, Obj, number, string, RegExp?]> = [
    [400, { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } }, 400, 'invalid_request_error'],
    [400, { error: { message: "This model's maximum context length is 128000 tokens", type: 'invalid_request_error', code: 'context_length_exceeded' } }, 400, 'invalid_request_error', /^prompt is too long: /],
    [401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }, 402, 'authentication_error'],
    [403, { error: { message: 'no access' } }, 403, 'permission_error'],
    [404, { error: { message: 'The model does not exist', code: 'model_not_found' } }, 404, 'not_found_error'],
    [429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, 429, 'rate_limit_error'],
    [429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, 402, 'billing_error'],
    [500, { error: { message: 'oops', type: 'server_error' } }, 500, 'api_error'],
    [503, { error: { message: 'overloaded' } }, 529, 'overloaded_error'],
  ];
  for (const [status, body, want, type, message] of errors) {
    it(`maps ${status} ${JSON.stringify(body).slice(0, 60)} to ${want} ${type}`, () => {
      const t = openaiChat.translateError(status, body);
      assert.equal(t.status, want);
      const e = (t.json as { type: string; error: { type: string; message: string } });
      assert.equal(e.type, 'error');
      assert.equal(e.error.type, type);
      if (message) assert.match(e.error.message, message);
    });
  }
});
