import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { minimaxError, minimaxSignature, startFakeMiniMax, type FakeMiniMax } from '../support/fake-minimax.js';
import { postSse } from '../support/sse-reader.js';

const HEADERS = { authorization: 'Bearer mm-key', 'anthropic-version': '2023-06-01' };
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

let fake: FakeMiniMax;
let client: Anthropic;

before(async () => {
  fake = await startFakeMiniMax();
  client = new Anthropic({ baseURL: fake.url, apiKey: 'mm-key', maxRetries: 0 });
});
after(() => fake.close());

describe('fake-minimax', () => {
  it('lives under /anthropic and streams thinking with no signature at start and a sha256 signature_delta', async () => {
    assert.match(fake.url, /\/anthropic$/);
    fake.setScript({ thinking: 'Let me think.', text: 'Hi!' });
    const raw = await postSse(
      `${fake.url}/v1/messages?beta=true`,
      { model: 'claude-opus-4-8', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      HEADERS,
    );
    assert.equal(raw.status, 200);
    assert.ok(raw.events.every((e) => e.event === e.data.type));
    const start = raw.events.find((e) => e.data.type === 'content_block_start')?.data.content_block as Record<string, unknown>;
    assert.deepEqual(start, { type: 'thinking', thinking: '' });
    assert.ok(!('signature' in start));
    const deltas = raw.events.map((e) => e.data.delta as { type?: string; signature?: string } | undefined);
    assert.equal(deltas.find((d) => d?.type === 'signature_delta')?.signature, sha256('Let me think.'));
    const message = raw.events[0]?.data.message as { id: string; model: string };
    assert.match(message.id, /^[0-9a-f]{32}$/);
    assert.equal(message.model, 'MiniMax-M2.7', 'reports its own model, not the requested one');
    const rec = fake.requests.at(-1);
    assert.equal(rec?.auth, 'bearer');
    assert.equal(rec?.credential, 'mm-key');
    assert.equal(rec?.pathname, '/anthropic/v1/messages');
  });

  it('can append trailing newlines to streamed thinking while signing the text without them', async () => {
    const mm = await startFakeMiniMax({ trailingNewlines: 2 });
    try {
      mm.setScript({ thinking: 'ponder', text: 'ok' });
      const raw = await postSse(
        `${mm.url}/v1/messages`,
        { model: 'MiniMax-M2.5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'q' }] },
        { 'x-api-key': 'k' },
      );
      const deltas = raw.events.map((e) => e.data.delta as { type?: string; thinking?: string; signature?: string } | undefined);
      const thinking = deltas.filter((d) => d?.type === 'thinking_delta').map((d) => d?.thinking).join('');
      assert.equal(thinking, 'ponder\n\n');
      assert.equal(deltas.find((d) => d?.type === 'signature_delta')?.signature, sha256('ponder'));
      assert.equal((raw.events[0]?.data.message as { model: string }).model, 'MiniMax-M2.5');
      assert.equal(mm.requests.at(-1)?.auth, 'x-api-key');
    } finally {
      await mm.close();
    }
  });

  it('answers JSON with base_resp and a sha256 signature through the SDK', async () => {
    fake.setScript(undefined);
    const msg = await client.messages.create({ model: 'MiniMax-M2.7', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    const t = msg.content[0];
    assert.ok(t?.type === 'thinking');
    if (t?.type !== 'thinking') return;
    assert.equal(t.signature, minimaxSignature(t.thinking));
    assert.match(t.signature, /^[0-9a-f]{64}$/);
    assert.match(msg.id, /^[0-9a-f]{32}$/);
    const raw = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...HEADERS },
      body: JSON.stringify({ model: 'MiniMax-M2.7', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.deepEqual(((await raw.json()) as { base_resp: unknown }).base_resp, { status_code: 0, status_msg: '' });
  });

  it('fails permanently with HTTP 500 api_error carrying the MiniMax code', async () => {
    fake.setScript({ error: minimaxError(1008) });
    try {
      await client.messages.create({ model: 'MiniMax-M2.7', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof APIError);
      assert.equal(err.status, 500);
      assert.equal(err.type, 'api_error');
      assert.equal(err.apiMessage, 'insufficient balance (1008)');
    } finally {
      fake.setScript(undefined);
    }
  });

  it('refuses invalid params with 2013: a temperature outside (0, 1] and unpaired tool results', async () => {
    const reject = async (extra: Record<string, unknown>, messages: unknown[]): Promise<APIError> => {
      try {
        await client.messages.create({ model: 'MiniMax-M2.7', max_tokens: 10, messages, ...extra } as unknown as Anthropic.MessageCreateParamsNonStreaming);
      } catch (err) {
        if (err instanceof APIError) return err;
        throw err;
      }
      return assert.fail('expected an error');
    };
    const hot = await reject({ temperature: 0 }, [{ role: 'user', content: 'x' }]);
    assert.equal(hot.status, 400);
    assert.equal(hot.apiMessage, 'invalid params, temperature must be in (0, 1] (2013)');
    const orphan = await reject({}, [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'no tool' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'ok' }] }]);
    assert.equal(orphan.apiMessage, 'invalid params, tool call result does not follow tool call (2013)');
    const ok = await client.messages.create({ model: 'MiniMax-M2.7', max_tokens: 10, temperature: 1, messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    assert.equal(ok.type, 'message');
  });

  it('requires a key and knows no other paths', async () => {
    const body = JSON.stringify({ model: 'MiniMax-M2.7', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const noKey = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(noKey.status, 401);
    const root = await fetch(`${fake.origin}/v1/messages`, { method: 'POST', headers: HEADERS, body });
    assert.equal(root.status, 404);
  });

  it('paces, cuts and fails streams on request', async () => {
    const body = { model: 'MiniMax-M2.7', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'p' }] };
    fake.setScript({ text: '123456', thinking: 't', stream: { chunks: 3, delayMs: 50 } });
    const paced = await postSse(`${fake.url}/v1/messages`, body, HEADERS);
    const gaps = paced.events.slice(1).map((e, i) => e.at - (paced.events[i]?.at ?? 0));
    assert.ok(gaps.every((g) => g >= 30), `paced: ${gaps.join(',')}`);
    fake.setScript({ stream: { cutAfter: 4 } });
    const cut = await postSse(`${fake.url}/v1/messages`, body, HEADERS);
    assert.equal(cut.events.length, 4);
    fake.setScript({ stream: { errorAfter: 1, errorEvent: { type: 'api_error', message: 'internal error (1024)' } } });
    const failed = await postSse(`${fake.url}/v1/messages`, body, HEADERS);
    assert.equal(failed.events.at(-1)?.event, 'error');
    fake.setScript(undefined);
  });
});
