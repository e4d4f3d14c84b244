import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { thinkingFirstMessage } from '../support/anthropic-validation.js';
import { postSse } from '../support/sse-reader.js';

const CC_HEADERS = {
  'x-api-key': 'sk-test',
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'context-management-2025-06-27',
};

let fake: FakeAnthropic;
let client: Anthropic;

before(async () => {
  fake = await startFakeAnthropic();
  client = new Anthropic({ baseURL: fake.url, apiKey: 'sk-sdk-key', maxRetries: 0 });
});
after(() => fake.close());

async function rejection(p: Promise<unknown>): Promise<APIError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  assert.fail('expected an API error');
}

async function postJson(path: string, body: unknown, headers: Record<string, string> = CC_HEADERS): Promise<Response> {
  return fetch(fake.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('fake-anthropic', () => {
  it('answers non-streaming with signed thinking and text, reporting the requested model', async () => {
    fake.setScript(undefined);
    const msg = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: 'hi there' }],
    });
    assert.equal(msg.model, 'claude-sonnet-4-6');
    assert.match(msg.id, /^msg_/);
    const [thinking, text] = msg.content;
    assert.equal(thinking?.type, 'thinking');
    assert.equal(text?.type, 'text');
    if (thinking?.type !== 'thinking' || text?.type !== 'text') return;
    assert.equal(text.text, 'echo: hi there');
    assert.ok(fake.isIssued(thinking.signature, thinking.thinking));
    assert.doesNotMatch(thinking.signature, /^[0-9a-f]{64}$/);
    assert.equal(typeof msg.usage.cache_read_input_tokens, 'number');
    const rec = fake.requests.at(-1);
    assert.equal(rec?.auth, 'bearer'); // SDK 1.x sends the key as Bearer
    assert.equal(rec?.credential, 'sk-sdk-key');
  });

  it('streams correct SSE with event lines, dense indexes and cache usage', async () => {
    fake.setScript({ text: 'streamed answer', stream: { chunks: 3 } });
    const raw = await postSse(
      `${fake.url}/v1/messages?beta=true`,
      { model: 'claude-opus-4-8', max_tokens: 100, stream: true, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'x' }] },
      CC_HEADERS,
    );
    assert.equal(raw.status, 200);
    assert.match(raw.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.ok(raw.headers.get('request-id'));
    assert.ok(raw.events.every((e) => e.event === e.data.type), 'every event has a matching event: line');
    const types = raw.events.map((e) => e.data.type);
    assert.equal(types[0], 'message_start');
    assert.deepEqual(types.slice(-2), ['message_delta', 'message_stop']);
    const start = raw.events[0]?.data.message as { model: string; usage: Record<string, unknown> };
    assert.equal(start.model, 'claude-opus-4-8');
    for (const k of ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens']) {
      assert.equal(typeof start.usage[k], 'number', k);
    }
    const starts = raw.events.filter((e) => e.data.type === 'content_block_start').map((e) => e.data.index);
    assert.deepEqual(starts, [0, 1]);
    const sig = raw.events.findIndex((e) => (e.data.delta as { type?: string } | undefined)?.type === 'signature_delta');
    assert.equal(raw.events[sig + 1]?.data.type, 'content_block_stop', 'signature_delta comes just before the stop');
    const text = raw.events
      .map((e) => e.data.delta as { type?: string; text?: string } | undefined)
      .filter((d) => d?.type === 'text_delta')
      .map((d) => d?.text)
      .join('');
    assert.equal(text, 'streamed answer');
  });

  it('streams through the SDK and the SDK sees the same signature the fake issued', async () => {
    fake.setScript({ thinking: 'deep thought', text: 'done' });
    const msg = await client.messages
      .stream({ model: 'claude-opus-4-8', max_tokens: 64000, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'q' }] })
      .finalMessage();
    const t = msg.content[0];
    assert.ok(t?.type === 'thinking' && fake.isIssued(t.signature, 'deep thought'));
    assert.equal(msg.stop_reason, 'end_turn');
  });

  it('accepts its own thinking back and rejects foreign or altered thinking with Anthropic\'s message', async () => {
    fake.setScript(undefined);
    const own = fake.signThinking('mine');
    const history = (thinking: string, signature: string) => [
      { role: 'user' as const, content: 'a' },
      { role: 'assistant' as const, content: [{ type: 'thinking' as const, thinking, signature }, { type: 'text' as const, text: 'b' }] },
      { role: 'user' as const, content: 'c' },
    ];
    const ok = await client.messages.create({ model: 'claude-opus-4-8', max_tokens: 50, messages: history('mine', own) });
    assert.equal(ok.type, 'message');
    const sha = '94c132ee35460e72e0cf53a87d5ef5f671a2d5a8b96a06c5a3edefd7aef967f7';
    for (const [thinking, signature] of [['mine', sha], ['mine, altered', own], ['x', 'Zm9yZWlnbg==']] as const) {
      const err = await rejection(client.messages.create({ model: 'claude-opus-4-8', max_tokens: 50, messages: history(thinking, signature) }));
      assert.equal(err.status, 400);
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.apiMessage, 'messages.1.content.0: Invalid `signature` in `thinking` block');
    }
    const other = await startFakeAnthropic();
    try {
      const err = await rejection(client.messages.create({ model: 'm', max_tokens: 50, messages: history('y', other.signThinking('y')) }));
      assert.equal(err.status, 400, 'another instance\'s signatures are foreign');
    } finally {
      await other.close();
    }
  });

  it('rejects empty and whitespace-only text blocks', async () => {
    const empty = await rejection(
      client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }),
    );
    assert.equal(empty.status, 400);
    assert.match(empty.apiMessage ?? '', /text content blocks must be non-empty/);
    const blank = await rejection(
      client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: ' \n' }] }] }),
    );
    assert.match(blank.apiMessage ?? '', /non-whitespace text/);
  });

  it('rejects a manual-thinking tool loop whose final assistant message does not start with thinking', async () => {
    const loop = (assistantFirst: Anthropic.ContentBlockParam[]) =>
      client.messages.create({
        model: 'claude-opus-4-8',
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [
          { role: 'user', content: 'run it' },
          { role: 'assistant', content: [...assistantFirst, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { cmd: 'ls' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
        ],
      });
    const err = await rejection(loop([]));
    assert.equal(err.status, 400);
    assert.equal(err.apiMessage, thinkingFirstMessage(1, 'tool_use'));
    assert.match(err.apiMessage ?? '', /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
    const ok = await loop([{ type: 'thinking', thinking: 'plan', signature: fake.signThinking('plan') }]);
    assert.equal(ok.type, 'message');
  });

  it('rejects tool calls and tool results that do not pair up, with Anthropic\'s messages', async () => {
    const call: Anthropic.MessageParam = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] };
    const result = (id: string): Anthropic.MessageParam => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] });
    const send = (messages: Anthropic.MessageParam[]) => client.messages.create({ model: 'm', max_tokens: 10, messages });
    const unanswered = await rejection(send([{ role: 'user', content: 'go' }, call, { role: 'user', content: 'never mind' }]));
    assert.equal(unanswered.status, 400);
    assert.match(unanswered.apiMessage ?? '', /^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1\. /);
    const orphan = await rejection(send([{ role: 'user', content: 'go' }, { role: 'assistant', content: 'no tool' }, result('toolu_2')]));
    assert.match(orphan.apiMessage ?? '', /^messages\.2\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_2\. /);
    const ok = await send([{ role: 'user', content: 'go' }, call, result('toolu_1'), { role: 'system', content: '<total_tokens>1 tokens left</total_tokens>' } as unknown as Anthropic.MessageParam]);
    assert.equal(ok.type, 'message', 'a trailing system turn after the tool result is fine');
  });

  it('rejects an empty text block inside a tool result', async () => {
    const err = await rejection(
      client.messages.create({
        model: 'm',
        max_tokens: 10,
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '' }] }] },
        ],
      }),
    );
    assert.match(err.apiMessage ?? '', /text content blocks must be non-empty/);
  });

  it('checks the manual-thinking rule behind trailing system turns too', async () => {
    const err = await rejection(
      client.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 4096,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [
          { role: 'user', content: 'run it' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
          { role: 'system', content: '<total_tokens>1 tokens left</total_tokens>' } as unknown as Anthropic.MessageParam,
        ],
      }),
    );
    assert.equal(err.apiMessage, thinkingFirstMessage(1, 'tool_use'));
  });

  it('echoes text typed during a tool run, not the tool result turn around it', async () => {
    const typed = 'The user sent a new message while you were working:\nstop here\n\nIMPORTANT: After completing your current task, you MUST address the user\'s message above. Do not ignore it.';
    const msg = await client.messages.create({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'run it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] },
        { role: 'system', content: typed } as unknown as Anthropic.MessageParam,
      ],
    });
    assert.deepEqual(msg.content.filter((b) => b.type === 'text').map((b) => b.type === 'text' && b.text), ['echo: stop here']);
  });

  it('can reply with a tool call, a different model, queued replies and scripted errors', async () => {
    fake.setScript([
      { text: 'first', model: 'MiniMax-M2.7' },
      { toolUse: { name: 'Read', input: { path: '/x' } }, thinking: null },
      { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } },
    ]);
    const a = await client.messages.create({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'q' }] });
    assert.equal(a.model, 'MiniMax-M2.7');
    const b = await client.messages.create({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'q' }] });
    assert.equal(b.stop_reason, 'tool_use');
    assert.deepEqual(b.content.map((c) => c.type), ['text', 'tool_use']);
    const c = await rejection(client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'q' }] }));
    assert.equal(c.status, 529);
    fake.setScript(({ lastUserText, index }) => ({ text: `#${index} ${lastUserText.toUpperCase()}` }));
    const d = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'loud' }] });
    assert.match(d.content[0]?.type === 'text' ? d.content[0].text : '', /^#\d+ LOUD$/);
    fake.setScript(undefined);
  });

  it('serves HEAD /, models and count_tokens, and insists on auth, version and betas', async () => {
    const head = await fetch(fake.url + '/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    const models = await client.models.list();
    assert.ok(models.data.some((m) => m.id === 'claude-opus-4-8'));
    const count = await client.messages.countTokens({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'hello' }] });
    assert.ok(count.input_tokens > 0);
    const noAuth = await postJson('/v1/messages', { model: 'm', max_tokens: 1, messages: [] }, { 'anthropic-version': '2023-06-01' });
    assert.equal(noAuth.status, 401);
    assert.equal(((await noAuth.json()) as { error: { type: string } }).error.type, 'authentication_error');
    const noVersion = await postJson('/v1/messages', { model: 'm', max_tokens: 1, messages: [] }, { 'x-api-key': 'k' });
    assert.equal(noVersion.status, 400);
    const body = { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }], context_management: { edits: [] } };
    const noBeta = await postJson('/v1/messages?beta=true', body, { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
    assert.equal(noBeta.status, 400);
    assert.match(((await noBeta.json()) as { error: { message: string } }).error.message, /Extra inputs are not permitted/);
    assert.equal((await postJson('/v1/messages?beta=true', body)).status, 200);
    const rec = fake.requests.at(-1);
    assert.equal(rec?.path, '/v1/messages?beta=true');
    assert.equal(rec?.pathname, '/v1/messages');
    assert.equal(rec?.auth, 'x-api-key');
    assert.ok(Buffer.isBuffer(rec?.body));
  });

  it('paces streamed events and can cut, stall or fail a stream', async () => {
    const body = { model: 'm', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'pace me' }] };
    fake.setScript({ thinking: null, text: 'abcdefghij', stream: { chunks: 5, delayMs: 60 } });
    const paced = await postSse(fake.url + '/v1/messages', body, CC_HEADERS);
    assert.equal(paced.events.filter((e) => e.data.type === 'content_block_delta').length, 5);
    const gaps = paced.events.slice(1).map((e, i) => e.at - (paced.events[i]?.at ?? 0));
    assert.ok(gaps.every((g) => g >= 40), `events arrive paced: ${gaps.join(',')}`);

    fake.setScript({ thinking: null, stream: { cutAfter: 3 } });
    const cut = await postSse(fake.url + '/v1/messages', body, CC_HEADERS);
    assert.equal(cut.events.length, 3);
    assert.ok(!cut.events.some((e) => e.data.type === 'message_stop'));

    fake.setScript({ thinking: null, stream: { errorAfter: 2 } });
    const failed = await postSse(fake.url + '/v1/messages', body, CC_HEADERS);
    assert.equal(failed.events.at(-1)?.event, 'error');
    assert.deepEqual(failed.events.at(-1)?.data.error, { type: 'overloaded_error', message: 'Overloaded' });

    fake.setScript({ thinking: null, stream: { stallAfter: 2 } });
    const started = Date.now();
    const stalled = await postSse(fake.url + '/v1/messages', body, CC_HEADERS, AbortSignal.timeout(300));
    assert.equal(stalled.events.length, 2);
    assert.ok(stalled.error, 'the stalled stream only ends when the client gives up');
    assert.ok(Date.now() - started >= 250);
    fake.setScript(undefined);
  });
});
