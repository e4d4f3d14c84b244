/** A gateway exports zero-valued series for the label sets its configuration knows, before any request. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { reload } from '../../../src/server/lifecycle.js';
import { UPSTREAM_ERROR_KINDS } from '../../../src/metrics/types.js';
import { postMessages, startClassic } from '../../support/classic-gateway.js';
import { startTestGateway } from '../../support/gateway.js';

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('series known at start', () => {
  it('are 0 on a bundled gateway that has served nothing', async () => {
    const s = await startClassic();
    try {
      const text = await metrics(s.gateway.url);
      for (const upstream of ['anthropic', 'minimax']) {
        for (const kind of UPSTREAM_ERROR_KINDS) assert.equal(value(text, `mmexec_upstream_errors_total{upstream="${upstream}",kind="${kind}"}`), 0, `${upstream} ${kind}`);
      }
      for (const result of ['success', 'failure']) assert.equal(value(text, `mmexec_config_reloads_total{result="${result}"}`), 0);
      assert.equal(value(text, 'mmexec_route_switches_total{from="none",to="minimax"}'), 0);
      assert.equal(value(text, 'mmexec_route_switches_total{from="minimax",to="none"}'), 0);
      assert.equal(value(text, 'mmexec_state_errors_total{operation="sticky_set"}'), 0);
      assert.equal(value(text, 'mmexec_thinking_blocks_converted_total'), 0);
    } finally {
      await s.close();
    }
  });

  it('counts a missing upstream key as that upstream\'s missing_key error', async () => {
    const s = await startClassic({ env: { MINIMAX_API_KEY: '' } });
    try {
      assert.equal((await postMessages(s.gateway.url, { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'mmexec hi' }] })).status, 402);
      assert.equal(value(await metrics(s.gateway.url), 'mmexec_upstream_errors_total{upstream="minimax",kind="missing_key"}'), 1);
    } finally {
      await s.close();
    }
  });

  it('adds the series of an upstream a reload brings, keeping the counts so far', async () => {
    const head = 'version: 1\nupstreams:\n  one: { url: "http://127.0.0.1:9" }\n';
    const gw = await startTestGateway(`${head}routes:\n  - { name: r, upstream: one }\n`);
    try {
      assert.equal(value(await metrics(gw.url), 'mmexec_upstream_errors_total{upstream="two",kind="connect"}'), undefined);
      writeFileSync(gw.configPath, `${head}  two: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: r, upstream: two, sticky: { set: two } }\n`);
      assert.equal(reload(gw, gw.configPath), true);
      const text = await metrics(gw.url);
      assert.equal(value(text, 'mmexec_upstream_errors_total{upstream="two",kind="connect"}'), 0);
      assert.equal(value(text, 'mmexec_route_switches_total{from="none",to="two"}'), 0);
      assert.equal(value(text, 'mmexec_config_reloads_total{result="success"}'), 1);
    } finally {
      await gw.close();
    }
  });
});
