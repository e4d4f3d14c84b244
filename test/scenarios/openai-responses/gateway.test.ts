/**
 * openai-responses upstreams end to end: the real @anthropic-ai/sdk as client, the gateway, the strict fake
 * Responses server (requests checked against OpenAI's CreateResponse schema), and the strict Anthropic fake for a
 * session that moves on to Anthropic. Every request the fake received passed its schema check (else it answers 400).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic, { APIError, PaymentRequiredError, RateLimitError } from '@anthropic-ai/sdk';
import { startGateway } from '../../../src/server/start.js';
import { THOUGHT_PREFIX } from '../../../src/thinking/convert.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { protocolRules } from '../../support/protocol-rules.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';
import { startFakeResponses, type FakeResponses } from '../../support/fake-openai-responses.js';
import { streamViolation, type NamedEvent } from '../../support/anthropic-stream-check.js';
import { fixtureEvents, fixtureText } from '../../support/openai-responses-fixtures.js';

type Obj = Record<string, unknown>;
const KEY = 'sk-openai-responses-test';
const MODEL = 'claude-via-responses';

function rules(responses: string, anthropic: string): string {
  return protocolRules({
    anthropic,
    url: `${responses}/v1`,
    protocol: 'openai-responses',
    model: 'gpt-5.4',
    head: `models:\n  - { id: ${MODEL}, display_name: GPT through the Responses API }`,
    routes: `  - name: to-openai
    when: { model: ${MODEL} }
    upstream: openai
  - name: default
    upstream: anthropic
`,
  });
}

let fake: FakeResponses;
let anthropic: FakeAnthropic;
let gw: TestGateway;
let client: Anthropic;

before(async () => {
  fake = await startFakeResponses({ key: KEY });
  anthropic = await startFakeAnthropic();
  gw = await startTestGateway(rules(fake.url, anthropic.url), { env: { OPENAI_API_KEY: KEY } });
  client = new Anthropic({ baseURL: gw.url, apiKey: 'sk-ant-client', maxRetries: 0 });
});
after(async () => {
  await gw?.close();
  await fake?.close();
  await anthropic?.close();
});

const BASH = { name: 'Bash', description: 'Runs a command', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } }, required: ['command'] } };
const ask = (content: string): Anthropic.MessageCreateParamsNonStreaming => ({ model: MODEL, max_tokens: 4096, thinking: { type: 'adaptive' }, tools: [BASH], messages: [{ role: 'user', content }] });

async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

describe('an openai-responses upstream behind the gateway', () => {
  let first: Anthropic.Message;

  it('streams a reasoning and tool call answer to the SDK, sending the key as a bearer token to /v1/responses', async () => {
    fake.script({ sse: 'reasoning-tool-call.sse' });
    const stream = client.messages.stream(ask('please run the tool'));
    const events: NamedEvent[] = [];
    for await (const ev of stream) events.push({ event: ev.type, data: ev as unknown as Obj });
    first = await stream.finalMessage();
    assert.equal(streamViolation(events), null);
    assert.deepEqual(first.content.map((b) => b.type), ['thinking', 'tool_use']);
    assert.equal(first.stop_reason, 'tool_use');
    assert.equal(first.usage.cache_read_input_tokens, 4096);
    assert.equal(fake.headers.at(-1)!.authorization, `Bearer ${KEY}`);
    assert.equal(fake.headers.at(-1)!['x-api-key'], undefined);
    assert.equal(fake.headers.at(-1)!['anthropic-version'], undefined);
    const sent = fake.received.at(-1)!;
    assert.equal(sent.model, 'gpt-5.4');
    assert.equal(sent.store, false);
    assert.deepEqual(sent.include, ['reasoning.encrypted_content']);
  });

  it('sends the reasoning item back on the next turn, as the upstream produced it', async () => {
    fake.script({ sse: 'text.sse' });
    const tool = first.content[1] as Anthropic.ToolUseBlock;
    const next = ask('please run the tool');
    next.messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.id, content: 'done' }] });
    const msg = await client.messages.stream(next).finalMessage();
    assert.deepEqual(msg.content, [{ type: 'text', text: 'Hello from Responses.' }]);
    const input = fake.received.at(-1)!.input as Obj[];
    const original = fixtureEvents('reasoning-tool-call.sse').map((e) => JSON.parse(e.data) as Obj).find((d) => d.type === 'response.output_item.done')!.item;
    assert.deepEqual(input.find((i) => i.type === 'reasoning'), original);
  });

  it('turns the thinking into text when the session moves on to Anthropic', async () => {
    await gw.gateway.services.thinking.settled();
    const back = await client.messages.create({
      model: 'claude-opus-4-8',
      max_tokens: 64,
      tools: [BASH],
      messages: [
        { role: 'user', content: 'please run the tool' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (first.content[1] as Anthropic.ToolUseBlock).id, content: 'done' }] },
      ],
    });
    assert.equal(back.type, 'message');
    const blocks = anthropic.messageBodies().at(-1)!.messages[1]!.content as Array<{ type: string; text?: string }>;
    assert.deepEqual(blocks.map((b) => b.type), ['text', 'tool_use']);
    assert.equal(blocks[0]!.text, `${THOUGHT_PREFIX}${(first.content[0] as Anthropic.ThinkingBlock).thinking}`);
  });

  it('answers a buffered request', async () => {
    fake.script({ json: JSON.parse(fixtureText('answer.json')) as unknown });
    const msg = await client.messages.create(ask('look'));
    assert.deepEqual(msg.content.map((b) => b.type), ['thinking', 'text', 'tool_use']);
    assert.equal(fake.received.at(-1)!.stream, false);
  });

  it('ends failed, errored and cut streams with the error the SDK raises', async () => {
    const cases: Array<[string, string]> = [['failed.sse', 'api_error'], ['error-event.sse', 'rate_limit_error'], ['truncated.sse', 'api_error']];
    for (const [sse, type] of cases) {
      fake.script({ sse });
      const err = await thrown(() => client.messages.stream(ask('x')).finalMessage());
      assert.ok(err instanceof APIError, sse);
      assert.equal((err.error as { error?: { type?: string } }).error?.type, type, sse);
    }
  });

  it('maps error answers: a rate limit to 429, a refused key and an exhausted quota to 402', async () => {
    fake.script({ status: 401, json: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } });
    assert.ok((await thrown(() => client.messages.create(ask('x')))) instanceof PaymentRequiredError);
    fake.script({ status: 429, json: { error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } });
    assert.ok((await thrown(() => client.messages.create(ask('x')))) instanceof RateLimitError);
    fake.script({ status: 429, json: { error: { message: 'You exceeded your current quota.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } } });
    const err = await thrown(() => client.messages.create(ask('x')));
    assert.ok(err instanceof APIError);
    assert.equal(err.status, 402);
    assert.equal((err.error as { error?: { type?: string } }).error?.type, 'billing_error');
  });

  it('answers count_tokens itself', async () => {
    const before = fake.received.length;
    const counted = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    assert.ok(counted.input_tokens > 0);
    assert.equal(fake.received.length, before);
  });
});

describe('the Responses API provider example', () => {
  it('examples/providers/openai-responses.yaml reaches its server at /v1/responses after mmexec', async () => {
    const example = await startFakeResponses({ key: 'sk-openai-example' });
    const home = mkdtempSync(join(tmpdir(), 'mmexec-example-'));
    const env = { MMEXEC_HOME: home, OPENAI_BASE_URL: `${example.url}/v1`, OPENAI_API_KEY: 'sk-openai-example' };
    const gw2 = await startGateway({ configPath: resolve('examples/providers/openai-responses.yaml'), env, port: 0, silent: true });
    try {
      example.script({ json: JSON.parse(fixtureText('answer.json')) as unknown });
      const c = new Anthropic({ baseURL: gw2.url, apiKey: 'sk-ant-client', maxRetries: 0 });
      const msg = await c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, system: 'sys', messages: [{ role: 'user', content: 'mmexec hello' }] });
      assert.equal(msg.model, 'claude-sonnet-4-6', 'restore-model reports the model Claude Code asked for');
      assert.deepEqual(msg.content.map((b) => b.type), ['thinking', 'text', 'tool_use']);
      const sent = example.received[0]!;
      assert.equal(sent.model, 'gpt-5.4');
      assert.equal(sent.instructions, 'sys');
      assert.deepEqual(sent.input, [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] }]);
    } finally {
      await gw2.close();
      await example.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
