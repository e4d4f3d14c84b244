/** The classic words and Claude Code's quirks, through the bundled rules against the fake upstreams. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessagesBody, RequestBlock } from '../../support/fake-upstream-common.js';
import { MINIMAX_KEY, postMessages, startClassic, type ClassicSetup } from '../../support/classic-gateway.js';

const REMINDER = { type: 'text', text: '<system-reminder>\nContext the user did not type.\n</system-reminder>' };

/** A Claude Code-like body: system reminder first, then the typed text, as the last user message. */
function typed(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'claude-opus-4-8', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: [REMINDER, { type: 'text', text }] }], ...extra };
}

function lastBlocks(b: MessagesBody): RequestBlock[] {
  const c = b.messages.at(-1)!.content;
  return typeof c === 'string' ? [{ type: 'text', text: c }] : c;
}

describe('classic routing', () => {
  let s: ClassicSetup;
  let n = 0;
  const fresh = (): string => `route-${++n}`;
  const calls = (): number => s.anthropic.requests.length + s.minimax.requests.length;
  before(async () => {
    s = await startClassic();
  });
  after(() => s.close());

  it('passes an ordinary turn to Anthropic byte for byte', async () => {
    const body = typed('hello');
    const r = await postMessages(s.gateway.url, body, fresh());
    assert.equal(r.status, 200);
    const got = s.anthropic.requests.at(-1)!;
    assert.equal(got.body.toString(), JSON.stringify(body));
    assert.equal(got.path, '/v1/messages?beta=true');
    assert.equal(got.credential, 'sk-ant-client-key');
  });

  for (const word of ['mmexec', ' mmrelease\n', 'mmstatus', '\tmmstatus  ']) {
    it(`answers exactly ${JSON.stringify(word)} with a 418 teapot and no upstream call`, async () => {
      const before = calls();
      const r = await postMessages(s.gateway.url, typed(word), fresh());
      assert.equal(r.status, 418);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(r.text, /teapot/i);
      assert.equal(calls(), before);
    });
  }

  it('switches with `mmexec` from the next request on, reports it with `mmstatus`, and switches back with `mmrelease`', async () => {
    const id = fresh();
    assert.match((await postMessages(s.gateway.url, typed('mmstatus'), id)).text, /current provider: Anthropic\n$/);
    await postMessages(s.gateway.url, typed('mmexec'), id);
    assert.match((await postMessages(s.gateway.url, typed('mmstatus'), id)).text, /current provider: MiniMax\n$/);
    const mm = s.minimax.requests.length;
    assert.equal((await postMessages(s.gateway.url, typed('go'), id)).status, 200);
    assert.equal(s.minimax.requests.length, mm + 1);
    await postMessages(s.gateway.url, typed('mmrelease'), id);
    assert.match((await postMessages(s.gateway.url, typed('mmstatus'), id)).text, /current provider: Anthropic\n$/);
    const ant = s.anthropic.requests.length;
    await postMessages(s.gateway.url, typed('back'), id);
    assert.equal(s.anthropic.requests.length, ant + 1);
  });

  it('strips `mmexec <task>`, answers on MiniMax with MiniMax-M2.7 and keeps the session there', async () => {
    const id = fresh();
    const r = await postMessages(s.gateway.url, typed('mmexec   fix the bug\nplease'), id);
    assert.equal(r.status, 200);
    const sent = s.minimax.messageBodies().at(-1)!;
    assert.equal(sent.model, 'MiniMax-M2.7');
    assert.deepEqual(lastBlocks(sent), [REMINDER, { type: 'text', text: 'fix the bug\nplease' }]);
    assert.match(r.text, /"model":"claude-opus-4-8"/, 'message_start reports the requested model');
    assert.doesNotMatch(r.text, /MiniMax-M2\.7/);
  });

  it('does not trigger on words that only start like the trigger', async () => {
    const before = s.minimax.requests.length;
    for (const text of ['mmexecute this', 'please mmexec', 'mmreleased']) await postMessages(s.gateway.url, typed(text), fresh());
    assert.equal(s.minimax.requests.length, before);
  });

  it('sends every request of a sticky session to MiniMax with MiniMax-M2.7: background and tool-loop turns included', async () => {
    const id = fresh();
    await postMessages(s.gateway.url, typed('mmexec start'), id);
    const before = s.minimax.requests.length;
    const background = typed('write a title for this conversation', { model: 'claude-haiku-4-5', stream: false });
    const toolLoop = {
      model: 'claude-opus-4-8',
      max_tokens: 1000,
      messages: [
        { role: 'user', content: 'read it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'mmrelease' }] },
      ],
    };
    const json = await postMessages(s.gateway.url, background, id);
    assert.equal(json.status, 200);
    assert.equal((JSON.parse(json.text) as { model: string }).model, 'claude-haiku-4-5', 'JSON answers report the requested model');
    assert.equal((await postMessages(s.gateway.url, toolLoop, id)).status, 200);
    const sent = s.minimax.messageBodies().slice(before);
    assert.deepEqual(sent.map((b) => b.model), ['MiniMax-M2.7', 'MiniMax-M2.7']);
  });

  it('reads the typed text after a failed teapot turn merged into the next message', async () => {
    const id = fresh();
    const merged = { model: 'claude-opus-4-8', max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'text', text: 'mmstatus\n' }, { type: 'text', text: 'next please' }] }] };
    const r = await postMessages(s.gateway.url, merged, id);
    assert.equal(r.status, 200);
    assert.equal(lastBlocks(s.anthropic.messageBodies().at(-1)!).at(-1)?.text, 'next please');
    const trig = { ...merged, messages: [{ role: 'user', content: [{ type: 'text', text: 'mmexec\n' }, { type: 'text', text: 'mmexec do it' }] }] };
    await postMessages(s.gateway.url, trig, id);
    assert.deepEqual(lastBlocks(s.minimax.messageBodies().at(-1)!).map((b) => b.text), ['do it'], 'the merged teapot word is dropped, the trigger stripped');
  });

  it('releases with `mmrelease <task>` to Anthropic and leaves the session there', async () => {
    const id = fresh();
    await postMessages(s.gateway.url, typed('mmexec a'), id);
    const r = await postMessages(s.gateway.url, typed('mmrelease summarise'), id);
    assert.equal(r.status, 200);
    assert.equal(lastBlocks(s.anthropic.messageBodies().at(-1)!).at(-1)?.text, 'summarise');
    const ant = s.anthropic.requests.length;
    await postMessages(s.gateway.url, typed('and then'), id);
    assert.equal(s.anthropic.requests.length, ant + 1);
  });

  it('never gives MiniMax the client\'s Anthropic key, only its own', () => {
    assert.ok(s.minimax.requests.length > 0);
    for (const r of s.minimax.requests) {
      assert.deepEqual([r.auth, r.credential, r.headers['x-api-key']], ['bearer', MINIMAX_KEY, undefined]);
      assert.ok(!JSON.stringify(r.headers).includes('sk-ant-client-key'));
    }
  });

  it('sends count_tokens of a sticky session to Anthropic and never flips state on it', async () => {
    const id = fresh();
    await postMessages(s.gateway.url, typed('mmexec a'), id);
    const res = await fetch(`${s.gateway.url}/v1/messages/count_tokens?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client-key', 'anthropic-version': '2023-06-01', 'x-claude-code-session-id': id },
      body: JSON.stringify({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'mmrelease' }] }),
    });
    assert.equal(res.status, 200);
    assert.match((await postMessages(s.gateway.url, typed('mmstatus'), id)).text, /current provider: MiniMax/);
  });

  it('labels metrics with the bundled upstream names and the real upstream model', async () => {
    // Counts of this test's own requests: other tests of the shared gateway add to the same series.
    const requests = async (labels: RegExp): Promise<number> => {
      const lines = (await (await fetch(`${s.gateway.url}/metrics`)).text()).split('\n');
      return lines.filter((l) => l.startsWith('mmexec_requests_total{') && labels.test(l)).reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    const series = [/route="trigger-minimax",upstream="minimax",model="MiniMax-M2\.7"/, /upstream="anthropic",model="claude-opus-4-8"/, /upstream="local"[^}]*status="418"/];
    const before = await Promise.all(series.map(requests));
    for (const text of ['mmexec count this', 'hello', 'mmstatus']) await postMessages(s.gateway.url, typed(text), fresh());
    assert.deepEqual(await Promise.all(series.map(requests)), before.map((n) => n + 1));
  });
});
