import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { reload } from '../../../src/server/lifecycle.js';
import { watchConfig } from '../../../src/config/watch.js';
import { ask, CLASSIC_RULES, clientHeaders, health, metric, startTeam, userBody, type TeamSetup } from '../../support/team-gateway.js';

/** A config whose `ping` reply says `version`, and whose other requests go to `fallthrough`. */
const config = (version: string, fallthrough = `include: ${CLASSIC_RULES}`): string => `
version: 1
state: { store: memory }
server: { metrics_token: "\${MMEXEC_METRICS_TOKEN}" }
clients:
  - { name: frontend, key: "\${MMEXEC_KEY_FRONTEND}" }
upstreams:
  anthropic: { url: "\${ANTHROPIC_UPSTREAM_URL}", provider: anthropic, auth: passthrough }
  minimax: { url: "\${MINIMAX_BASE_URL}", auth: { key_env: MINIMAX_API_KEY, as: bearer }, model: MiniMax-M2.7 }
routes:
  - name: ping
    when: { last_user_text: { equals: ping } }
    reply: { status: 418, text: "config ${version}" }
  - ${fallthrough}
`;

/** Invalid on line 12: the route names an upstream that does not exist. */
const INVALID = config('broken', '{ name: all, upstream: nowhere }');

describe('hot reload', () => {
  // A fresh pair of replicas per test: each starts on v1 with its reload counters at 0.
  let team: TeamSetup;
  beforeEach(async () => {
    team = await startTeam({ yaml: config('v1'), replicas: 2 });
  });
  afterEach(() => team.close());
  const ping = async (i = 0): Promise<string> => (await ask(team.replicas[i]!, 'ping', clientHeaders('frontend'))).text;

  it('swaps in a valid config, counts the success and reports the new digest', async () => {
    const gw = team.replicas[0]!;
    const digest = (await health(gw)) as unknown as { config_digest: string };
    assert.match(await ping(), /config v1/);
    writeFileSync(team.configPath, config('v2'));
    assert.equal(reload(gw, team.configPath), true);
    assert.match(await ping(), /config v2/);
    assert.match(await ping(1), /config v1/, 'the other replica reloads on its own signal');
    assert.equal(await metric(gw, 'mmexec_config_reloads_total', { result: 'success' }), 1);
    assert.notEqual(((await health(gw)) as unknown as { config_digest: string }).config_digest, digest.config_digest);
  });

  it('keeps the old config serving when the new one is invalid, logging the error with its position', async () => {
    const gw = team.replicas[0]!;
    writeFileSync(team.configPath, INVALID);
    assert.equal(reload(gw, team.configPath), false);
    assert.match(await ping(), /config v1/);
    assert.equal(await metric(gw, 'mmexec_config_reloads_total', { result: 'failure' }), 1);
    const failure = team.logs.find((l) => l.replica === 'a' && /reload failed/.test(l.message));
    assert.match(String(failure?.error), /mmexec\.yaml:\d+:\d+ routes\[1\]\.upstream: unknown upstream "nowhere"/);
  });

  it('finishes a stream in flight on the config it started with', async () => {
    const gw = team.replicas[1]!;
    writeFileSync(team.configPath, config('v3'));
    assert.equal(reload(gw, team.configPath), true);
    team.anthropic.setScript({ text: 'slow answer from anthropic', thinking: null, stream: { chunks: 6, delayMs: 40 } });
    const res = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...clientHeaders('frontend') }, body: JSON.stringify(userBody('stream please', { stream: true })) });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('content_block_delta')) text += decoder.decode((await reader.read()).value, { stream: true });

    writeFileSync(team.configPath, config('v4', '{ name: all, upstream: minimax }'));
    assert.equal(reload(gw, team.configPath), true);
    const mm = team.minimax.requests.length;
    assert.equal((await ask(gw, 'new request', clientHeaders('frontend'))).status, 200);
    assert.equal(team.minimax.requests.length, mm + 1, 'new requests use the new config');

    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
    assert.ok(text.includes('event: message_stop'), 'the stream completed');
    assert.ok(!text.includes('event: error'));
    const deltas = [...text.matchAll(/"text":"([^"]*)"/g)].map((m) => m[1]).join('');
    assert.ok(deltas.includes('slow answer from anthropic'), 'the answer came from Anthropic, the upstream of the old config');
    team.anthropic.setScript(undefined);
  });

  it('reloads once per burst of config file changes', async () => {
    const gw = team.replicas[0]!;
    let reloads = 0;
    let notify: () => void = () => {};
    const reloaded = new Promise<void>((resolve) => (notify = resolve));
    const watcher = watchConfig(gw.gateway.plan.files, () => {
      reloads++;
      reload(gw, team.configPath);
      notify();
      return gw.gateway.plan.files;
    }, { debounceMs: 80 });
    try {
      for (const v of ['w1', 'w2', 'w3']) writeFileSync(team.configPath, config(v));
      await reloaded;
      assert.match(await ping(), /config w3/);
      await new Promise((r) => setTimeout(r, 300)); // nothing else may follow the burst
      assert.equal(reloads, 1);
    } finally {
      watcher.close();
    }
  });
});
