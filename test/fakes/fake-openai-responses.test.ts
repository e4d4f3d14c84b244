import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SseReader } from '../../src/upstream/sse-reader.js';
import { startFakeResponses, type FakeResponses } from '../support/fake-openai-responses.js';
import { eventErrors } from '../support/openai-responses-schemas.js';
import { responsesStream } from '../support/openai-responses-stream.js';

let fake: FakeResponses;
before(async () => {
  fake = await startFakeResponses({ key: 'k' });
});
after(() => fake.close());

const post = (body: unknown, key = 'k'): Promise<Response> =>
  fetch(`${fake.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

describe('the strict Responses fake', () => {
  it('writes streams whose every event OpenAI\'s ResponseStreamEvent schema accepts', () => {
    const text = responsesStream({ reasoning: { summary: 'Think.', encrypted: 'ENC' }, text: 'hi', calls: [{ callId: 'call_1', name: 'Bash', arguments: '{"command":"ls"}' }], usage: { input: 100, output: 20, cached: 50 } });
    const events = new SseReader().push(text);
    assert.equal(events.length, 16);
    for (const e of events) assert.deepEqual(eventErrors(JSON.parse(e.data)), [], e.event);
  });

  it('refuses a request the CreateResponse schema rejects with OpenAI\'s 400, naming the problem', async () => {
    const res = await post({ model: 'gpt-5.4', input: [], stop: ['x'] });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { message: string; type: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /additional properties/);
  });

  it('refuses a wrong key with OpenAI\'s 401', async () => {
    assert.equal((await post({ model: 'gpt-5.4', input: [] }, 'other')).status, 401);
  });

  it('answers a valid request with the written stream', async () => {
    fake.reply = () => ({ stream: { text: 'hello' } });
    const res = await post({ model: 'gpt-5.4', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }], stream: true, store: false });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /"delta":"hello"/);
  });
});
