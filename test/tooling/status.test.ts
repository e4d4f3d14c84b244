import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StatusReport } from '../../src/server/status.js';
import { post, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { runCli } from '../support/run-cli.js';

const TOKEN = 'status-token';

describe('/status and mmexec status', () => {
  let gw: TestGateway;
  let anthropic: RecordingUpstream;
  let minimax: RecordingUpstream;

  before(async () => {
    anthropic = await startRecordingUpstream('anthropic');
    minimax = await startRecordingUpstream('minimax');
    const yaml = `version: 1
server: { metrics_token: ${TOKEN} }
state: { store: memory }
upstreams:
  anthropic: { url: ${anthropic.url}, provider: anthropic }
  minimax: { url: ${minimax.url}, auth: { key_env: MM_KEY, as: bearer }, model: MiniMax-M2.7 }
routes:
  - name: trigger
    when: { last_user_text: { regex: '^mmexec\\s' } }
    strip_trigger: true
    sticky: { set: minimax }
    upstream: minimax
  - name: sticky
    when: { sticky: minimax }
    upstream: minimax
  - name: default
    upstream: anthropic
`;
    gw = await startTestGateway(yaml, { env: { MM_KEY: 'k' } });
    const ask = (session: string, text: string) =>
      post(`${gw.url}/v1/messages`, { model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: text }] }, { 'x-claude-code-session-id': session, 'x-api-key': 'a' });
    for (const [s, t] of [['a', 'mmexec go'], ['b', 'mmexec go'], ['c', 'hello'], ['a', 'more']] as const) assert.equal((await ask(s, t)).status, 200);
  });
  after(async () => {
    await gw.close();
    await anthropic.close();
    await minimax.close();
  });

  it('refuses /status without the metrics token', async () => {
    const res = await fetch(`${gw.url}/status`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'authentication_error');
  });

  it('reports routes, upstream health, sticky sessions per upstream, uptime and cost', async () => {
    const res = await fetch(`${gw.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const r = (await res.json()) as StatusReport;
    assert.deepEqual(r.routes.map((x) => [x.name, x.target, x.requests]), [['trigger', 'minimax', 2], ['sticky', 'minimax', 1], ['default', 'anthropic', 1]]);
    const mm = r.upstreams.find((u) => u.name === 'minimax')!;
    assert.deepEqual([mm.requests, mm.health, mm.sticky_sessions], [3, 'ok', 2]);
    assert.deepEqual(r.sticky_sessions, { minimax: 2 });
    assert.equal(r.requests, 4);
    assert.ok(r.cost_usd > 0, 'cost since start');
    assert.ok(r.savings_usd > 0, 'MiniMax answered Opus requests for less');
    assert.ok(r.uptime_seconds >= 0 && r.state_store === 'memory');
  });

  it('prints the report as tables from the command line', async () => {
    const r = await runCli(['status', '--url', gw.url, '--token', TOKEN]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /requests 4, cost \$\d+\.\d{4}, savings \$\d+\.\d{4} since start/);
    assert.match(r.stdout, /^UPSTREAM +HEALTH +REQUESTS +ERRORS +STICKY SESSIONS/m);
    assert.match(r.stdout, /^minimax +ok +3 +0 +2 /m);
    assert.match(r.stdout, /^ *1 +trigger +minimax +set minimax +2$/m);
  });

  it('says so when the token is missing or nothing listens', async () => {
    const denied = await runCli(['status', '--url', gw.url], { env: { MMEXEC_METRICS_TOKEN: '' } });
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /needs a token/);
    const none = await runCli(['status', '--url', 'http://127.0.0.1:9']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no gateway answers at http:\/\/127\.0\.0\.1:9/);
  });
});
