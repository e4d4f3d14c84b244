import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { post, startTestGateway, userBody, type TestGateway } from '../../support/gateway.js';
import { jsonMessage, sse, startRecordingUpstream, textStream, type RecordingUpstream } from '../../support/recording-upstream.js';
import { SseReader } from '../../../src/upstream/sse-reader.js';

/** The rule file of these tests, for upstreams `a` and `b`. */
const rules = (aUrl: string, bUrl: string): string => `
version: 1
state: { store: memory }
upstreams:
  a: { url: "${aUrl}" }
  b:
    url: "${bUrl}"
    model: b-model
    response: [restore-model]
routes:
  - name: to-b
    when: { last_user_text: { regex: '^\\s*tob(\\s|$)' } }
    strip_trigger: true
    sticky: { set: b }
    upstream: b
  - name: global-on
    when: { last_user_text: { equals: global-on } }
    sticky: { set: b, scope: global }
    reply: { text: "global was {{sticky}}" }
  - name: back
    when: { last_user_text: { prefix: back } }
    sticky: { clear: true }
    upstream: a
  - name: status
    when: { last_user_text: { equals: status } }
    reply: { status: 418, text: "sticky={{sticky}} model={{model}}" }
  - name: pick
    when: { last_user_text: { equals: pick } }
    reply: { text: [one, two, three] }
  - name: msg
    when: { last_user_text: { equals: hello gateway } }
    reply: { as: message, text: "Hello from the gateway" }
  - name: err
    when: { last_user_text: { equals: forbidden } }
    reply: { as: error, status: 403, error_type: permission_error, text: "not allowed here" }
  - name: transforms
    when: { last_user_text: { equals: transform me } }
    upstream: a
    request:
      - set-model: { model: other-model }
      - drop-fields: { fields: [metadata.user_id, temperature] }
      - set-fields: { fields: { max_tokens: 7, "metadata.tag": mmexec } }
      - jsonata: '$merge([$, { "top_k": $count(messages) }])'
  - name: identity
    when: { last_user_text: { equals: same body } }
    upstream: a
    request:
      - jsonata: '$'
  - name: sticky-b
    when: { sticky: b }
    upstream: b
  - name: global-b
    when: { sticky: { scope: global, equals: b } }
    upstream: b
  - name: default
    upstream: a
`;

describe('route actions', () => {
  let a: RecordingUpstream;
  let b: RecordingUpstream;
  let gw: TestGateway;
  before(async () => {
    a = await startRecordingUpstream('a');
    b = await startRecordingUpstream('b');
    gw = await startTestGateway(rules(a.url, b.url));
  });
  after(async () => {
    await gw.close();
    await a.close();
    await b.close();
  });
  const session = (id: string): Record<string, string> => ({ 'x-claude-code-session-id': id });

  it('strips the trigger, switches upstream and model, and stays sticky until released', async () => {
    const r1 = await post(`${gw.url}/v1/messages`, userBody('tob   do the task'), session('act-1'));
    assert.equal(r1.status, 200);
    const sent = b.seen.at(-1)!.json as { model: string; messages: Array<{ content: Array<{ text: string }> }> };
    assert.equal(sent.messages[0]!.content[0]!.text, 'do the task');
    assert.equal(sent.model, 'b-model');
    assert.equal((r1.json as { model: string }).model, 'claude-opus-4-8', 'restore-model reports the requested model');
    const before = b.seen.length;
    await post(`${gw.url}/v1/messages`, userBody('follow-up'), session('act-1'));
    assert.equal(b.seen.length, before + 1, 'sticky request goes to b');
    const untouched = a.seen.length;
    await post(`${gw.url}/v1/messages`, userBody('follow-up'), session('act-other'));
    assert.equal(a.seen.length, untouched + 1, 'another session is not sticky');
    await post(`${gw.url}/v1/messages`, userBody('back to a'), session('act-1'));
    await post(`${gw.url}/v1/messages`, userBody('after release'), session('act-1'));
    assert.equal(a.seen.length, untouched + 3);
  });

  it('renders the sticky state and model into a local reply without calling an upstream', async () => {
    const seenBefore = a.seen.length + b.seen.length;
    await post(`${gw.url}/v1/messages`, userBody('tob x'), session('act-2'));
    const r = await post(`${gw.url}/v1/messages`, userBody('status'), session('act-2'));
    assert.equal(r.status, 418);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(r.text.trim(), 'sticky=b model=claude-opus-4-8');
    assert.equal(a.seen.length + b.seen.length, seenBefore + 1);
  });

  it('picks a reply text from the list', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) seen.add((await post(`${gw.url}/v1/messages`, userBody('pick'))).text.trim());
    assert.ok([...seen].every((t) => ['one', 'two', 'three'].includes(t)));
    assert.ok(seen.size >= 2, `expected a random pick, saw ${[...seen].join(',')}`);
  });

  it('answers a synthetic message as JSON', async () => {
    const r = await post(`${gw.url}/v1/messages`, userBody('hello gateway'));
    const m = r.json as { type: string; role: string; content: Array<{ text: string }>; model: string };
    assert.equal(r.status, 200);
    assert.equal(m.type, 'message');
    assert.equal(m.content[0]!.text, 'Hello from the gateway');
    assert.equal(m.model, 'claude-opus-4-8');
  });

  it('streams a synthetic message when the request streams', async () => {
    const r = await post(`${gw.url}/v1/messages`, userBody('hello gateway', { stream: true }));
    assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = new SseReader().push(r.text).map((e) => e.event);
    assert.deepEqual(events, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  it('answers a local Anthropic error', async () => {
    const r = await post(`${gw.url}/v1/messages`, userBody('forbidden'));
    assert.equal(r.status, 403);
    assert.deepEqual((r.json as { error: unknown }).error, { type: 'permission_error', message: 'not allowed here' });
  });

  it('applies set-model, drop-fields, set-fields and jsonata in order', async () => {
    await post(`${gw.url}/v1/messages`, userBody('transform me', { temperature: 0.5, metadata: { user_id: 'u' } }));
    const sent = a.seen.at(-1)!.json as Record<string, unknown>;
    assert.equal(sent.model, 'other-model');
    assert.equal(sent.temperature, undefined);
    assert.deepEqual(sent.metadata, { tag: 'mmexec' });
    assert.equal(sent.max_tokens, 7);
    assert.equal(sent.top_k, 1);
  });

  it('keeps the body when a jsonata expression returns it unchanged', async () => {
    await post(`${gw.url}/v1/messages`, userBody('same body', { temperature: 0.5 }));
    const sent = a.seen.at(-1)!.json as Record<string, unknown>;
    assert.equal(sent.temperature, 0.5);
    assert.deepEqual(sent.messages, userBody('same body').messages);
  });

  it('keeps global sticky state for every request, with or without a session', async () => {
    // Global state would send every later request of the shared gateway to b: this test has its own.
    const own = await startTestGateway(rules(a.url, b.url));
    try {
      const r = await post(`${own.url}/v1/messages`, userBody('global-on'));
      assert.equal(r.text.trim(), 'global was none');
      const before = b.seen.length;
      await post(`${own.url}/v1/messages`, userBody('anything'), session('act-global'));
      assert.equal(b.seen.length, before + 1);
    } finally {
      await own.close();
    }
  });

  it('rewrites the model in a streamed message_start for restore-model', async (t) => {
    b.setHandler((_s, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const [e, d] of textStream('b-model', 'hi')) sse(res, e, d);
      res.end();
    });
    t.after(() => b.setHandler((seen, res) => jsonMessage(res, 'b', seen))); // the other tests expect JSON from b
    const r = await post(`${gw.url}/v1/messages`, userBody('tob stream please', { stream: true }), session('act-3'));
    const start = new SseReader().push(r.text).find((e) => e.event === 'message_start')!;
    assert.equal((JSON.parse(start.data) as { message: { model: string } }).message.model, 'claude-opus-4-8');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /mmexec_requests_total\{route="to-b",upstream="b",model="b-model",status="200"\} \d+/, "metrics keep the real upstream model");
  });
});
