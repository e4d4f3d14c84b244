/**
 * openai-chat upstreams end to end: the real @anthropic-ai/sdk as client, the gateway, the strict Chat Completions
 * fake (and the strict Anthropic fake for the way back), streamed and buffered answers, errors, local answers for
 * what Chat Completions has no endpoint for, metrics at the model's price, explain's notes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Anthropic, { APIError, BadRequestError, PaymentRequiredError, RateLimitError } from '@anthropic-ai/sdk';
import { createLogger } from '../../../src/log.js';
import { formatExplain } from '../../../src/explain/format-explain.js';
import { simulate } from '../../../src/explain/simulate.js';
import { buildPlan } from '../../../src/server/start.js';
import { THOUGHT_PREFIX } from '../../../src/thinking/convert.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeOpenAIChat, type FakeOpenAIChat } from '../../support/fake-openai-chat.js';
import { protocolRules } from '../../support/protocol-rules.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';
import { streamViolation, type NamedEvent } from '../../support/anthropic-stream-check.js';

const KEY = 'sk-openai-test';
const METRICS_TOKEN = 'metrics-token-openai';
const OPENAI_MODEL = 'claude-via-openai';

function rules(openai: string, anthropic: string): string {
  return protocolRules({
    anthropic,
    url: openai,
    protocol: 'openai-chat',
    model: 'gpt-5.4-mini',
    head: `server: { metrics_token: ${METRICS_TOKEN} }\nmodels:\n  - { id: ${OPENAI_MODEL}, display_name: GPT through mmexec }`,
    routes: `  - name: to-openai
    when: { model: ${OPENAI_MODEL} }
    upstream: openai
  - name: to-openai-by-header
    when: { header: { name: x-upstream, equals: openai } }
    upstream: openai
  - name: default
    upstream: anthropic
`,
  });
}

let chat: FakeOpenAIChat;
let anthropic: FakeAnthropic;
let gw: TestGateway;
let client: Anthropic;

const ask = (content: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}): Anthropic.MessageCreateParamsNonStreaming => ({ model: OPENAI_MODEL, max_tokens: 256, messages: [{ role: 'user', content }], ...extra });
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/openai/${name}`, import.meta.url), 'utf8');

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m?.[1] === name && Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

before(async () => {
  chat = await startFakeOpenAIChat({ key: KEY });
  anthropic = await startFakeAnthropic();
  gw = await startTestGateway(rules(chat.url, anthropic.url), { env: { OPENAI_API_KEY: KEY } });
  client = new Anthropic({ baseURL: gw.url, apiKey: 'sk-ant-client', maxRetries: 0 });
});
after(async () => {
  await gw?.close();
  await chat?.close();
  await anthropic?.close();
});

describe('an openai-chat upstream', () => {
  it('answers a buffered request through the SDK, with the key as a bearer token and no Anthropic header', async () => {
    chat.reply = () => ({ text: 'plain answer', usage: { prompt: 30, completion: 4, cached: 10 } });
    const msg = await client.messages.create(ask('hi', { system: 'be brief' }));
    assert.deepEqual(msg.content, [{ type: 'text', text: 'plain answer' }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.model, 'gpt-5.4-mini');
    assert.equal(msg.usage.input_tokens, 20);
    assert.equal(msg.usage.cache_read_input_tokens, 10);
    const sent = chat.bodies().at(-1)!;
    assert.equal(sent.model, 'gpt-5.4-mini');
    assert.deepEqual(sent.messages, [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]);
    assert.equal(chat.requests.at(-1)!.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(chat.refusals, []);
  });

  it('streams live: the client reads the first text before the upstream finishes, then a parallel tool call turn', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    chat.reply = () => ({ text: 'Running both.', toolCalls: [{ id: 'call_A', name: 'Bash', arguments: '{"command":"echo hi"}' }, { id: 'call_B', name: 'Read', arguments: '{"file_path":"/tmp/a"}' }], hold, usage: { prompt: 1000, completion: 100, cached: 200 } });
    const stream = client.messages.stream({ ...ask('run'), tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }, { name: 'Read', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }] });
    const events: NamedEvent[] = [];
    for await (const ev of stream) {
      events.push({ event: ev.type, data: ev as unknown as Record<string, unknown> });
      // The finish chunk is held until the client has seen a delta: only a live stream gets here.
      if (ev.type === 'content_block_delta') release();
    }
    const msg = await stream.finalMessage();
    assert.equal(streamViolation(events), null);
    assert.equal(msg.stop_reason, 'tool_use');
    assert.deepEqual(msg.content.map((b) => (b.type === 'tool_use' ? [b.id, b.name, b.input] : b.type)), ['text', ['call_A', 'Bash', { command: 'echo hi' }], ['call_B', 'Read', { file_path: '/tmp/a' }]]);
    assert.equal(msg.usage.input_tokens, 800);
    assert.equal(msg.usage.cache_read_input_tokens, 200);
    assert.deepEqual(chat.bodies().at(-1)!.stream_options, { include_usage: true });
  });

  it('counts the OpenAI turns in /metrics at the model\'s price', async () => {
    // The streamed turn above: 800 input, 200 cache reads, 100 output at gpt-5.4-mini's 0.75 / 0.075 / 4.50 per million.
    const expected = (800 * 0.75 + 200 * 0.075 + 100 * 4.5) / 1e6 + (20 * 0.75 + 10 * 0.075 + 4 * 4.5) / 1e6;
    const cost = await metric('mmexec_cost_usd_total', { upstream: 'openai', model: 'gpt-5.4-mini' });
    assert.ok(Math.abs(cost - expected) < 1e-9, `cost ${cost}, expected ${expected}`);
  });

  it('passes recorded streams through the SDK parser: an error chunk and a stream without finish end as errors', async () => {
    const endings: Array<[string, RegExp]> = [['error-mid-stream.sse', /server had an error/], ['no-finish.sse', /before its answer was complete/]];
    for (const [name, message] of endings) {
      chat.reply = () => ({ raw: fixture(name) });
      const err = await thrown(async () => {
        const stream = client.messages.stream(ask('x'));
        for await (const _ of stream) void _;
      });
      assert.ok(err instanceof APIError, `${name}: ${String(err)}`);
      assert.match(err.message, message, name);
    }
    chat.reply = () => ({ raw: fixture('text.sse').replace('data: [DONE]\n\n', '') });
    const complete = await client.messages.stream(ask('no done line')).finalMessage();
    assert.deepEqual([complete.content, complete.stop_reason], [[{ type: 'text', text: 'Hello there' }], 'end_turn'], 'a stream that finished but sent no [DONE] is complete');
    chat.reply = () => ({ raw: fixture('reasoning-content.sse') });
    const msg = await client.messages.stream(ask('think')).finalMessage();
    assert.deepEqual(msg.content.map((b) => b.type), ['thinking', 'text']);
    assert.equal(msg.stop_reason, 'max_tokens');
  });

  it('maps upstream errors to the Anthropic errors the SDK and Claude Code handle', async () => {
    chat.reply = () => ({ error: { status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } } });
    assert.ok((await thrown(() => client.messages.create(ask('x')))) instanceof PaymentRequiredError);
    chat.reply = () => ({ error: { status: 429, body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } } });
    assert.ok((await thrown(() => client.messages.create(ask('x')))) instanceof RateLimitError);
    chat.reply = () => ({ error: { status: 400, body: { error: { message: 'maximum context length is 400000 tokens', type: 'invalid_request_error', code: 'context_length_exceeded' } } } });
    const err = await thrown(() => client.messages.create(ask('x')));
    assert.ok(err instanceof BadRequestError);
    assert.match(err.message, /prompt is too long/);
  });

  it('answers count_tokens, the model list and other paths itself, never forwarding them', async () => {
    const before = chat.requests.length;
    const counted = await client.messages.countTokens({ model: OPENAI_MODEL, messages: [{ role: 'user', content: 'x'.repeat(400) }] });
    assert.ok(counted.input_tokens >= 100 && counted.input_tokens < 140, String(counted.input_tokens));
    const headers = { 'anthropic-version': '2023-06-01', 'x-api-key': 'k', 'x-upstream': 'openai' };
    const models = (await (await fetch(`${gw.url}/v1/models`, { headers })).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(models.data.map((m) => m.id), [OPENAI_MODEL]);
    const files = await fetch(`${gw.url}/v1/files`, { headers });
    assert.equal(files.status, 404);
    const body = (await files.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.error.type, 'not_found_error');
    assert.match(body.error.message, /speaks openai-chat/);
    assert.equal(chat.requests.length, before, 'nothing reached the Chat Completions server');
  });

  it('records the thinking of an OpenAI turn, so it reaches Anthropic as text after the session returns', async () => {
    chat.reply = () => ({ reasoning: 'I should greet them.', text: 'Hello!' });
    const msg = await client.messages.stream(ask('greet')).finalMessage();
    const thinking = msg.content[0] as Anthropic.ThinkingBlock;
    assert.equal(thinking.type, 'thinking');
    assert.equal(thinking.signature, '', 'no Anthropic-looking signature is invented');
    await gw.gateway.services.thinking.settled();
    const back = await client.messages.create({
      model: 'claude-opus-4-8', max_tokens: 64,
      messages: [{ role: 'user', content: 'greet' }, { role: 'assistant', content: msg.content as Anthropic.ContentBlockParam[] }, { role: 'user', content: 'thanks' }],
    });
    assert.equal(back.type, 'message');
    const sent = anthropic.messageBodies().at(-1)!;
    const blocks = sent.messages[1]!.content as Array<{ type: string; text?: string }>;
    assert.deepEqual(blocks.map((b) => b.type), ['text', 'text']);
    assert.equal(blocks[0]!.text, `${THOUGHT_PREFIX}I should greet them.`);
  });

  it('explains the translation: where it goes and what it drops', async () => {
    const plan = buildPlan(gw.configPath, { OPENAI_API_KEY: KEY, MMEXEC_HOME: gw.dir }, createLogger({ silent: true }));
    const raw = Buffer.from(JSON.stringify({ ...ask('hi'), top_k: 3, metadata: { user_id: 'u' } }));
    const input = { method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/json' }, raw };
    const sim = await simulate(plan, input, {});
    const text = formatExplain(plan, input, sim);
    assert.match(text, new RegExp(`Protocol: openai-chat — translated last, sent as POST ${chat.url.replace(/[.]/g, '\\.')}/chat/completions`));
    assert.match(text, /- dropped: top_k/);
    assert.match(text, /- dropped: metadata/);
    for (const u of plan.upstreams.values()) u.agent.destroy();
  });
});
