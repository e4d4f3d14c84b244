import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openaiResponses } from '../../../../src/protocols/openai-responses/index.js';
import { decodeReasoningSignature, REASONING_SIGNATURE_PREFIX, UNSUMMARISED_THINKING } from '../../../../src/protocols/openai-responses/reasoning-signature.js';
import { parseEvent } from '../../../../src/upstream/sse-reader.js';
import { eventErrors } from '../../../support/openai-responses-schemas.js';
import { accumulate, adapt, anthropicStreamProblems, fixtureEvents, fixtureText } from './stream-support.js';

const STREAMS = ['text.sse', 'reasoning-tool-call.sse', 'reasoning-unsummarised.sse', 'parallel-tool-calls.sse', 'incomplete-max-tokens.sse', 'failed.sse', 'error-event.sse', 'truncated.sse'];

describe('recorded Responses streams', () => {
  for (const name of STREAMS) {
    it(`${name} holds only events OpenAI's ResponseStreamEvent schema accepts`, () => {
      const events = fixtureEvents(name);
      assert.ok(events.length > 0);
      for (const e of events) assert.deepEqual(eventErrors(JSON.parse(e.data)), [], `${name}: ${e.event}`);
    });
    it(`${name} becomes a well-formed Anthropic stream`, () => {
      assert.deepEqual(anthropicStreamProblems(adapt(fixtureText(name))), []);
    });
  }
});

describe('the stream adapter', () => {
  it('streams text as one text block and reports usage without the cached tokens', () => {
    const events = adapt(fixtureText('text.sse'));
    assert.deepEqual(events.map((e) => e.event), ['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    const start = JSON.parse(events[0]!.data) as { message: { id: string; model: string; usage: Record<string, number> } };
    assert.match(start.message.id, /^msg_[0-9a-f]{32}$/);
    const again = JSON.parse(adapt(fixtureText('text.sse'))[0]!.data) as { message: { id: string } };
    assert.notEqual(again.message.id, start.message.id, 'Claude Code merges answers sharing an id');
    assert.equal(start.message.model, 'claude-opus-4-8');
    assert.deepEqual(start.message.usage, { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    const got = accumulate(events);
    assert.deepEqual(got.blocks, [{ type: 'text', text: 'Hello from Responses.' }]);
    assert.deepEqual(got.stop, { stop_reason: 'end_turn', stop_sequence: null });
    assert.deepEqual(got.usage, { input_tokens: 176, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 });
  });

  it('turns reasoning summaries into a signed thinking block and a function call into tool_use', () => {
    const got = accumulate(adapt(fixtureText('reasoning-tool-call.sse')));
    assert.equal(got.blocks.length, 2);
    const [thinking, tool] = got.blocks as [Record<string, string>, Record<string, unknown>];
    assert.equal(thinking.type, 'thinking');
    assert.equal(thinking.thinking, '**Planning** the run\n\nI will call Bash.');
    assert.ok(thinking.signature!.startsWith(REASONING_SIGNATURE_PREFIX));
    assert.deepEqual(decodeReasoningSignature(thinking.signature), { id: 'rs_1b2c3d4e5f607182bb', encryptedContent: 'gAAAAABoEncryptedReasoningBlobOne==', summarised: true, partLengths: [20, 17] });
    assert.deepEqual(tool, { type: 'tool_use', id: 'call_Q3kd81LmZp0vXy7TnB4e', name: 'Bash', input: { command: 'sleep 3; echo done', description: 'Wait then print' } });
    assert.equal(got.stop?.stop_reason, 'tool_use');
    assert.deepEqual(got.usage, { input_tokens: 1304, output_tokens: 210, cache_creation_input_tokens: 0, cache_read_input_tokens: 4096 });
  });

  it('gives a reasoning item without a summary a thinking block with placeholder text', () => {
    const got = accumulate(adapt(fixtureText('reasoning-unsummarised.sse')));
    assert.equal(got.blocks[0]!.thinking, UNSUMMARISED_THINKING);
    assert.deepEqual(decodeReasoningSignature(got.blocks[0]!.signature), { id: 'rs_2c3d4e5f60718293dd', encryptedContent: 'gAAAAABoEncryptedReasoningBlobTwo==', summarised: false });
    assert.deepEqual(got.blocks[1], { type: 'text', text: 'ok' });
  });

  it('gives parallel function calls one tool_use block each, indexed densely', () => {
    const got = accumulate(adapt(fixtureText('parallel-tool-calls.sse')));
    assert.deepEqual(got.blocks, [
      { type: 'tool_use', id: 'call_A1', name: 'Read', input: { file_path: '/tmp/a.txt' } },
      { type: 'tool_use', id: 'call_B2', name: 'Read', input: { file_path: '/tmp/b.txt' } },
    ]);
  });

  const endings: Array<[string, Record<string, unknown>]> = [
    ['incomplete-max-tokens.sse', { stop: 'max_tokens' }],
    ['failed.sse', { error: { type: 'api_error', message: 'The model produced invalid content.' } }],
    ['error-event.sse', { error: { type: 'rate_limit_error', message: 'Rate limit reached for gpt-5.4 on tokens per min (TPM).' } }],
    ['truncated.sse', { error: { type: 'api_error', message: 'the upstream stream ended before response.completed' } }],
  ];
  for (const [name, want] of endings) {
    it(`ends ${name} with ${want.stop ? `stop_reason ${String(want.stop)}` : `an error event of type ${String((want.error as { type: string }).type)}`}`, () => {
      const got = accumulate(adapt(fixtureText(name)));
      if (want.stop) assert.equal(got.stop?.stop_reason, want.stop);
      else assert.deepEqual(got.error, { type: 'error', error: want.error });
    });
  }

  it('sends the function arguments of the done event when no delta carried them', () => {
    const a = openaiResponses.createStreamAdapter('m');
    const ev = (type: string, rest: Record<string, unknown>) => parseEvent(`event: ${type}\ndata: ${JSON.stringify({ type, ...rest })}\n\n`)!;
    const out = [
      ...a.push(ev('response.created', { response: { id: 'resp_x' } })),
      ...a.push(ev('response.output_item.added', { output_index: 0, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'Glob', arguments: '' } })),
      ...a.push(ev('response.function_call_arguments.done', { item_id: 'fc_1', arguments: '{"pattern":"*.ts"}' })),
      ...a.push(ev('response.output_item.done', { output_index: 0, item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'Glob', arguments: '{"pattern":"*.ts"}' } })),
      ...a.push(ev('response.completed', { response: { id: 'resp_x', status: 'completed' } })),
    ];
    assert.deepEqual(anthropicStreamProblems(out), []);
    assert.deepEqual(accumulate(out).blocks, [{ type: 'tool_use', id: 'call_1', name: 'Glob', input: { pattern: '*.ts' } }]);
  });

  it('ends the stream with an error event on malformed data and ignores what follows', () => {
    const a = openaiResponses.createStreamAdapter('m');
    const out = [...a.push(parseEvent('event: response.created\ndata: {"type":"response.created","response":{"id":"r"}}\n\n')!), ...a.push(parseEvent('event: response.output_text.delta\ndata: {not json\n\n')!)];
    assert.deepEqual(out.map((e) => e.event), ['message_start', 'error']);
    assert.deepEqual(a.push(parseEvent('event: response.completed\ndata: {"type":"response.completed","response":{}}\n\n')!), []);
    assert.deepEqual(a.end(), []);
  });

  it('gives the same Anthropic stream however the upstream bytes are cut', () => {
    for (const name of STREAMS) {
      const text = fixtureText(name);
      // Message ids are fresh for every answer; everything else must match byte for byte.
      const raws = (cuts?: number[]): string[] => adapt(text, cuts).map((e) => e.raw.replace(/msg_[0-9a-f]{32}/, 'msg_ID'));
      const whole = raws();
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
          assert.deepEqual(raws(cuts), whole);
        }),
        { numRuns: 40 },
      );
    }
  });

  it('makes a well-formed Anthropic stream of any sequence of Responses events, however odd', () => {
    const recorded = STREAMS.flatMap((n) => fixtureEvents(n).map((e) => JSON.parse(e.data) as Record<string, unknown>));
    const types = [...new Set(recorded.map((d) => d.type as string))];
    const odd = fc.record({ type: fc.constantFrom(...types), item_id: fc.constantFrom('a', 'b', undefined), output_index: fc.nat(3), content_index: fc.nat(2), summary_index: fc.nat(2), delta: fc.oneof(fc.string(), fc.jsonValue()), item: fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('reasoning', 'function_call', 'message'), id: fc.constantFrom('a', 'b') })), response: fc.jsonValue() }, { requiredKeys: ['type'] });
    const event = fc.oneof(fc.constantFrom(...recorded), odd);
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (datas) => {
        const a = openaiResponses.createStreamAdapter('m');
        const out = datas.flatMap((d) => a.push(parseEvent(`event: ${String(d.type)}\ndata: ${JSON.stringify(d)}\n\n`)!));
        out.push(...a.end());
        assert.deepEqual(anthropicStreamProblems(out), []);
      }),
      { numRuns: 300 },
    );
  });
});
