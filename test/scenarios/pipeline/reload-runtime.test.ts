/**
 * Reload rebuilds the plan and everything derived from it together: prices (the cost metric and budgets
 * agree), the client label of the metrics, the upstreams' agents (the old ones close once their requests
 * end), and the self-loop check where the gateway listens.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { reload } from '../../../src/server/lifecycle.js';
import type { RunningGateway } from '../../../src/server/start.js';
import { messagesBody, metricValue, rawUpstream, send, sseMessage, writeRuleFile, type RawUpstream } from '../../support/rule-file-gateway.js';
import { startGateway } from '../../../src/server/start.js';

const MODEL = 'priced-model';

/** A rule file with one upstream, `input` USD per million input tokens for MODEL, and optionally a client. */
function rules(url: string, opts: { input: number; client?: boolean }): string {
  return [
    'version: 1',
    'server: { host: 127.0.0.1 }',
    'state: { store: memory }',
    `prices: [{ model: ${MODEL}, input: ${opts.input}, output: 0 }]`,
    ...(opts.client ? ['clients: [{ name: alice, key: alice-key-0123456789 }]'] : []),
    'upstreams:',
    `  up: { url: "${url}" }`,
    'routes:',
    '  - { name: all, upstream: up }',
    '',
  ].join('\n');
}

describe('reload builds everything derived from the plan', () => {
  let up: RawUpstream;
  let gw: RunningGateway;
  let path: string;
  before(async () => {
    // Three input tokens per answer (see sseMessage).
    up = await rawUpstream((req, res) => {
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(sseMessage('hi', MODEL).join(''));
      });
    });
    path = writeRuleFile(rules(up.url, { input: 1_000_000 }));
    gw = await startGateway({ configPath: path, env: {}, port: 0, silent: true });
  });
  after(async () => {
    await gw?.close();
    await up?.close();
  });

  const ask = (headers: Record<string, string> = {}) => send(gw.url, { headers, body: JSON.stringify(messagesBody({ model: MODEL, stream: true })) });

  it('counts cost at the prices of the plan each request ran on', async () => {
    assert.equal((await ask()).status, 200);
    assert.equal(await metricValue(gw, 'mmexec_cost_usd_total'), 3);
    writeFileSync(path, rules(up.url, { input: 2_000_000 }));
    assert.equal(reload(gw, path), true);
    assert.equal((await ask()).status, 200);
    assert.equal(await metricValue(gw, 'mmexec_cost_usd_total'), 3 + 6);
  });

  it('closes the old plan\'s upstream connections once its requests are over', async () => {
    const old = gw.gateway.plan.upstreams.get('up')!.agent as Agent;
    assert.equal((await ask()).status, 200);
    assert.ok(Object.values(old.freeSockets).flat().length > 0, 'the answered request left a kept-alive connection');
    writeFileSync(path, rules(up.url, { input: 2_000_000 }));
    assert.equal(reload(gw, path), true);
    for (let i = 0; i < 100 && Object.values(old.freeSockets).flat().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(Object.values(old.freeSockets).flat().length, 0);
    assert.notEqual(gw.gateway.plan.upstreams.get('up')!.agent, old);
    assert.equal((await ask()).status, 200, 'the new plan serves with its own agent');
  });

  it('labels requests by client once a reload adds clients', async () => {
    writeFileSync(path, rules(up.url, { input: 1_000_000, client: true }));
    assert.equal(reload(gw, path), true);
    assert.equal((await ask()).status, 401);
    assert.equal((await ask({ 'x-mmexec-key': 'alice-key-0123456789' })).status, 200);
    assert.equal(await metricValue(gw, 'mmexec_requests_total', { client: 'alice', status: '200' }), 1);
  });

  it('refuses a reload whose upstream points back at the gateway, and keeps serving', async () => {
    writeFileSync(path, rules(`http://127.0.0.1:${gw.port}`, { input: 1_000_000, client: true }));
    assert.equal(reload(gw, path), false);
    assert.equal(gw.gateway.plan.upstreams.get('up')!.url.origin, new URL(up.url).origin);
    assert.equal((await ask({ 'x-mmexec-key': 'alice-key-0123456789' })).status, 200);
  });
});
