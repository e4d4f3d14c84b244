import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { post, startTestGateway, userBody, type TestGateway } from '../../support/gateway.js';

// Each route answers locally, so the reply text shows what {{sticky}} rendered.
const RULES = `
version: 1
state: { store: memory }
upstreams:
  a: { url: "http://127.0.0.1:9" }
routes:
  - name: session-on
    when: { last_user_text: { equals: session-on } }
    sticky: { set: session-value }
    reply: { text: "session was {{sticky}}" }
  - name: global-on
    when: { last_user_text: { equals: global-on } }
    sticky: { set: global-value, scope: global }
    reply: { text: "global was {{sticky}}" }
  - name: global-status
    when: { last_user_text: { equals: global-status }, sticky: { scope: global, set: true } }
    reply: { text: "global is {{sticky}}" }
  - name: session-status
    when: { last_user_text: { equals: session-status } }
    reply: { text: "session is {{sticky}}" }
  - name: default
    reply: { text: default }
`;

describe('{{sticky}} in a local reply', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(RULES);
  });
  after(() => gw.close());
  const say = async (text: string): Promise<string> => (await post(`${gw.url}/v1/messages`, userBody(text), { 'x-claude-code-session-id': 'scope-s1' })).text.trim();

  it('shows the scope of the route: its sticky action, else what its condition reads, else the session', async () => {
    assert.equal(await say('session-on'), 'session was none');
    assert.equal(await say('global-on'), 'global was none');
    assert.equal(await say('global-on'), 'global was global-value', 'a global sticky action shows the global state');
    assert.equal(await say('global-status'), 'global is global-value', 'a condition on the global scope shows the global state');
    assert.equal(await say('session-on'), 'session was session-value');
    assert.equal(await say('session-status'), 'session is session-value', 'a route about no scope shows the session');
  });
});
