/** The ledger on a real Redis shared by two replicas: no lost updates, and a store outage never fails a request. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SessionView } from '../../../src/ledger/session-view.js';
import { ask, clientHeaders, eventually, health, metric, METRICS_TOKEN, startTeam, type TeamSetup } from '../../support/team-gateway.js';
import { REDIS_MISSING, redisBinary, startRedis, type TestRedis } from '../../support/redis-server.js';

const auth = { authorization: `Bearer ${METRICS_TOKEN}` };

async function session(url: string, id: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}/sessions/${id}`, { headers: auth });
  return { status: res.status, json: await res.json() };
}

describe('session ledger on Redis with two replicas', () => {
  let redis: TestRedis | undefined;
  let team: TeamSetup;
  before(async () => {
    const bin = redisBinary();
    if (!bin) return;
    redis = await startRedis(bin);
    team = await startTeam({ env: { REDIS_URL: redis.url } });
    team.anthropic.setScript({ usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 30 } });
  });
  after(async () => {
    await team?.close();
    await redis?.close();
  });

  it('counts every request of a session sent concurrently to both replicas', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const [a, b] = team.replicas as [TeamSetup['replicas'][number], TeamSetup['replicas'][number]];
    const n = 30;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => ask(i % 2 ? b : a, `question ${i}`, clientHeaders('frontend', 'sess-shared'))));
    assert.deepEqual(answers.map((r) => r.status), Array.from({ length: n }, () => 200));
    let view: SessionView | undefined;
    await eventually(async () => {
      const r = await session(b.url, 'sess-shared');
      view = r.status === 200 ? (r.json as SessionView) : undefined;
      return view?.requests === n;
    }, `${n} requests in the ledger`);
    assert.deepEqual(view!.tokens, { input: 10 * n, output: 5 * n, cache_read: 30 * n, cache_write: 0 });
    assert.equal(view!.cache_read_ratio, 0.75);
    assert.equal(view!.upstream, 'anthropic');
    assert.equal(((await session(a.url, 'sess-shared')).json as SessionView).requests, n, 'replica A reads the same record');
    const day = (await (await fetch(`${a.url}/ui/data`, { headers: auth })).json()) as { today: { requests: number; client_cost_usd: Record<string, number> } };
    assert.ok(day.today.requests >= n);
    assert.ok((day.today.client_cost_usd.frontend ?? 0) > 0);
  });

  it('reports each client\'s remaining budget per period from the shared counters', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const [a, b] = team.replicas as [TeamSetup['replicas'][number], TeamSetup['replicas'][number]];
    await eventually(async () => (await metric(b, 'mmexec_budget_remaining_usd', { client: 'frontend', period: 'daily' })) < 50, 'spend to show');
    const daily = await metric(a, 'mmexec_budget_remaining_usd', { client: 'frontend', period: 'daily' });
    assert.ok(daily > 49 && daily < 50, String(daily));
    assert.equal(await metric(a, 'mmexec_budget_remaining_usd', { client: 'backend', period: 'monthly' }), 1000);
  });

  it('answers requests while Redis is down, counts the ledger failure, and answers 503 for a session', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const [a] = team.replicas as [TeamSetup['replicas'][number]];
    const before_ = await metric(a, 'mmexec_state_errors_total', { operation: 'ledger_update' });
    await redis.stop();
    try {
      await eventually(async () => (await health(a)).status === 'degraded', 'healthz to report degraded');
      const res = await ask(a, 'still there?', clientHeaders('frontend', 'sess-outage'));
      assert.equal(res.status, 200, res.text);
      await eventually(async () => (await metric(a, 'mmexec_state_errors_total', { operation: 'ledger_update' })) > before_, 'the ledger failure to be counted');
      const r = await session(a.url, 'sess-shared');
      assert.equal(r.status, 503);
      assert.equal((r.json as { error: { type: string } }).error.type, 'api_error');
    } finally {
      await redis.start();
    }
  });
});
