import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic, { APIError, RateLimitError } from '@anthropic-ai/sdk';
import { isReasoningSignature } from '../../../../src/protocols/openai-responses/reasoning-signature.js';
import { startFakeResponses, type FakeResponses } from './fake-responses-server.js';
import { fixtureEvents, fixtureText } from './stream-support.js';
import { startRelay, type Relay } from './translating-relay.js';

type Obj = Record<string, unknown>;

let fake: FakeResponses;
let relay: Relay;
let client: Anthropic;

before(async () => {
  fake = await startFakeResponses();
  relay = await startRelay(fake.url, 'gpt-5.4');
  client = new Anthropic({ baseURL: relay.url, apiKey: 'sk-test', maxRetries: 0 });
});
after(async () => {
  await relay.close();
  await fake.close();
});

const ask = (content: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model: 'claude-opus-4-8',
  max_tokens: 32000,
  thinking: { type: 'adaptive' },
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
  tools: [{ name: 'Bash', description: 'Runs a command', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } }],
  messages: [{ role: 'user', content }],
});

/** Runs `fn`, returning what it threw (failing when it did not throw). */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

describe('the Anthropic SDK reading translated Responses answers', () => {
  it('accumulates a streamed text answer with its usage', async () => {
    fake.script({ sse: 'text.sse' });
    const msg = await client.messages.stream(ask('hello')).finalMessage();
    assert.equal(msg.model, 'claude-opus-4-8');
    assert.deepEqual(msg.content, [{ type: 'text', text: 'Hello from Responses.' }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, 176);
    assert.equal(msg.usage.cache_read_input_tokens, 1024);
    assert.equal(msg.usage.output_tokens, 9);
    assert.equal(fake.received.at(-1)!.model, 'gpt-5.4');
  });

  it('accumulates thinking and tool_use, and the next turn sends the reasoning item back', async () => {
    fake.script({ sse: 'reasoning-tool-call.sse' }, { sse: 'text.sse' });
    const first = await client.messages.stream(ask('please run the tool')).finalMessage();
    assert.deepEqual(first.content.map((b) => b.type), ['thinking', 'tool_use']);
    const [thinking, tool] = first.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
    assert.ok(isReasoningSignature(thinking.signature));
    assert.deepEqual(tool.input, { command: 'sleep 3; echo done', description: 'Wait then print' });
    assert.equal(first.stop_reason, 'tool_use');

    const next = ask('please run the tool');
    next.messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.id, content: 'done' }] });
    await client.messages.stream(next).finalMessage();
    const input = fake.received.at(-1)!.input as Obj[];
    const original = fixtureEvents('reasoning-tool-call.sse').map((e) => JSON.parse(e.data) as Obj).find((d) => d.type === 'response.output_item.done')!.item;
    assert.deepEqual(input.find((i) => i.type === 'reasoning'), original);
    assert.deepEqual(input.find((i) => i.type === 'function_call_output'), { type: 'function_call_output', call_id: 'call_Q3kd81LmZp0vXy7TnB4e', output: 'done' });
  });

  it('gets a buffered answer as an Anthropic message', async () => {
    fake.script({ json: JSON.parse(fixtureText('answer.json')) as unknown });
    const msg = await client.messages.create({ ...ask('look'), max_tokens: 4096 });
    assert.deepEqual(msg.content.map((b) => b.type), ['thinking', 'text', 'tool_use']);
    assert.equal(msg.stop_reason, 'tool_use');
    assert.equal(fake.received.at(-1)!.stream, false);
  });

  it('raises the translated error type of a failed, errored or cut stream', async () => {
    const cases: Array<[string, string]> = [['failed.sse', 'api_error'], ['error-event.sse', 'rate_limit_error'], ['truncated.sse', 'api_error']];
    for (const [sse, type] of cases) {
      fake.script({ sse });
      const err = await thrown(() => client.messages.stream(ask('x')).finalMessage());
      assert.ok(err instanceof APIError, sse);
      assert.equal((err.error as { error?: { type?: string } }).error?.type, type, sse);
    }
  });

  it('raises RateLimitError for a 429 and a 402 billing error for an exhausted quota', async () => {
    fake.script({ status: 429, json: { error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    const small = { ...ask('x'), max_tokens: 1024 };
    assert.ok((await thrown(() => client.messages.create(small))) instanceof RateLimitError);
    fake.script({ status: 429, json: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } });
    const err = await thrown(() => client.messages.create(small));
    assert.ok(err instanceof APIError);
    assert.equal(err.status, 402);
    assert.equal((err.error as { error?: { type?: string } }).error?.type, 'billing_error');
  });
});
