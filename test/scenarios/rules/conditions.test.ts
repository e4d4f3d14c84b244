import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { post, startTestGateway, userBody, type TestGateway } from '../../support/gateway.js';

// Every route answers locally with its own name, so the reply tells which route matched.
const RULES = `
version: 1
state: { store: memory }
upstreams:
  a: { url: "http://127.0.0.1:9" }
routes:
  - name: equals
    when: { last_user_text: { equals: "go", trim: true } }
    reply: { text: equals }
  - name: equals-case
    when: { last_user_text: { equals: "shout", ignore_case: true } }
    reply: { text: equals-case }
  - name: prefix
    when: { last_user_text: { prefix: "pre:" } }
    reply: { text: prefix }
  - name: regex
    when: { last_user_text: { regex: '^run\\s+\\d+$' } }
    reply: { text: regex }
  - name: path
    when: { path: /v1/messages/count_tokens }
    reply: { text: path }
  - name: path-prefix
    when: { path: { prefix: /v1/models } }
    reply: { text: path-prefix }
  - name: method
    when: { method: [PUT, DELETE] }
    reply: { text: method }
  - name: header-equals
    when: { header: { name: X-Team, equals: red } }
    reply: { text: header-equals }
  - name: header-present
    when: { header: { name: x-flag } }
    reply: { text: header-present }
  - name: model-glob
    when: { model: "claude-haiku-*" }
    reply: { text: model-glob }
  - name: model-regex
    when: { model: { regex: "^gpt-" } }
    reply: { text: model-regex }
  - name: jsonata
    when: { jsonata: "max_tokens > 5000 and $count(messages) = 1" }
    reply: { text: jsonata }
  - name: stream
    when: { stream: true, last_user_text: { equals: streamed } }
    reply: { text: stream }
  - name: combined
    when:
      all:
        - any: [ { header: { name: x-a } }, { header: { name: x-b } } ]
        - not: { header: { name: x-c } }
    reply: { text: combined }
  - name: sticky-set
    when: { sticky: true, last_user_text: { equals: probe } }
    reply: { text: sticky-set }
  - name: stick
    when: { last_user_text: { equals: stick } }
    sticky: { set: a }
    reply: { text: stuck }
  - name: default
    reply: { text: default }
`;

describe('route conditions', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(RULES);
  });
  after(() => gw.close());

  const route = async (body: unknown, headers: Record<string, string> = {}, path = '/v1/messages'): Promise<string> => (await post(gw.url + path, body, headers)).text.trim();

  const cases: Array<[string, unknown, Record<string, string>, string, string]> = [
    ['equals with trim', userBody('  go \n'), {}, '/v1/messages', 'equals'],
    ['equals is whole-text', userBody('go now'), {}, '/v1/messages', 'default'],
    ['equals ignoring case', userBody('SHOUT'), {}, '/v1/messages', 'equals-case'],
    ['prefix', userBody('pre: something'), {}, '/v1/messages', 'prefix'],
    ['regex', userBody('run 42'), {}, '/v1/messages', 'regex'],
    ['regex not matching', userBody('run forty'), {}, '/v1/messages', 'default'],
    ['path ignores the query string', userBody('x'), {}, '/v1/messages/count_tokens?beta=true', 'path'],
    ['header equals (name case-insensitive)', userBody('x'), { 'x-team': 'red' }, '/v1/messages', 'header-equals'],
    ['header equals other value', userBody('x'), { 'x-team': 'blue' }, '/v1/messages', 'default'],
    ['header present', userBody('x'), { 'x-flag': '1' }, '/v1/messages', 'header-present'],
    ['model glob', userBody('x', { model: 'claude-haiku-4-5' }), {}, '/v1/messages', 'model-glob'],
    ['model regex', userBody('x', { model: 'gpt-5' }), {}, '/v1/messages', 'model-regex'],
    ['jsonata predicate', userBody('x', { max_tokens: 9000 }), {}, '/v1/messages', 'jsonata'],
    ['stream flag', userBody('streamed', { stream: false }), {}, '/v1/messages', 'default'],
    ['all/any/not: any holds', userBody('x'), { 'x-b': '1' }, '/v1/messages', 'combined'],
    ['all/any/not: not fails', userBody('x'), { 'x-a': '1', 'x-c': '1' }, '/v1/messages', 'default'],
  ];
  for (const [name, body, headers, path, want] of cases) {
    it(`matches ${name}`, async () => {
      assert.equal(await route(body, headers, path), want);
    });
  }

  it('reads the last text block of the last message, after system reminders', async () => {
    const body = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: '<system-reminder>go</system-reminder>' }, { type: 'text', text: 'go' }] }] };
    assert.equal(await route(body), 'equals');
  });

  it('reads string content as the last user text', async () => {
    assert.equal(await route({ model: 'm', messages: [{ role: 'user', content: 'pre: text' }] }), 'prefix');
  });

  it('does not take a tool_result-only message as user text', async () => {
    const body = { model: 'm', messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'go' }] }] };
    assert.equal(await route(body), 'default');
  });

  it('matches the method of a bodiless request', async () => {
    const res = await fetch(`${gw.url}/v1/whatever`, { method: 'DELETE' });
    assert.equal((await res.text()).trim(), 'method');
  });

  it('matches a path prefix on GET', async () => {
    assert.equal((await (await fetch(`${gw.url}/v1/models`)).text()).trim(), 'path-prefix');
  });

  it('matches sticky state only for the session that set it', async () => {
    const s1 = { 'x-claude-code-session-id': 'cond-s1' };
    const s2 = { 'x-claude-code-session-id': 'cond-s2' };
    assert.equal(await route(userBody('probe'), s1), 'default');
    assert.equal(await route(userBody('stick'), s1), 'stuck');
    assert.equal(await route(userBody('probe'), s1), 'sticky-set');
    assert.equal(await route(userBody('probe'), s2), 'default');
  });

  it('takes the first matching route when several match', async () => {
    // "go" also satisfies the header route below it; the earlier route wins.
    assert.equal(await route(userBody('go'), { 'x-team': 'red' }), 'equals');
  });
});
