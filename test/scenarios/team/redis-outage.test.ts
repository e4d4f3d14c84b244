/** A Redis outage is logged once, however many requests it fails, and every failure is counted. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask, clientHeaders, eventually, health, metric, startTeam, type LogEntry, type TeamSetup } from '../../support/team-gateway.js';
import { REDIS_MISSING, redisBinary, startRedis, type TestRedis } from '../../support/redis-server.js';

describe('redis outage logging (example team config, one replica)', () => {
  let redis: TestRedis | undefined;
  let team: TeamSetup;
  before(async () => {
    const bin = redisBinary();
    if (!bin) return;
    redis = await startRedis(bin);
    team = await startTeam({ env: { REDIS_URL: redis.url }, replicas: 1 });
  });
  after(async () => {
    await team?.close();
    await redis?.close();
  });
  const warnings = (): LogEntry[] => team.logs.filter((l) => l.level === 'warn' && /state store|redis/i.test(l.message));

  /** Stops Redis, sends `n` requests that all need state, and returns the warnings logged meanwhile. */
  const outage = async (n: number): Promise<LogEntry[]> => {
    const gw = team.replicas[0]!;
    const seen = warnings().length;
    await redis!.stop();
    await eventually(async () => (await health(gw)).status === 'degraded', 'healthz to report degraded');
    for (let i = 0; i < n; i++) {
      const res = await ask(gw, `request ${i}`, clientHeaders(i % 2 ? 'frontend' : 'backend', `out-${i}`));
      assert.equal(res.status, 200, res.text);
    }
    return warnings().slice(seen);
  };

  it('logs one warning per outage, counts every failure, and logs the recovery', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const gw = team.replicas[0]!;
    assert.equal((await ask(gw, 'hello', clientHeaders('frontend', 'ok-1'))).status, 200);
    const errorsBefore = await metric(gw, 'mmexec_state_errors_total');

    const first = await outage(6);
    assert.equal(first.length, 1, `one warning for the outage, got:\n${first.map((l) => l.message).join('\n')}`);
    assert.match(first[0]!.message, /mmexec_state_errors_total/, 'the warning says where further failures are counted');
    const counted = (await metric(gw, 'mmexec_state_errors_total')) - errorsBefore;
    assert.ok(counted >= 12, `every failure is counted (sticky and budget reads of 6 requests), got ${counted}`);
    assert.ok((await metric(gw, 'mmexec_state_errors_total', { operation: 'sticky_get' })) >= 6);
    assert.ok((await metric(gw, 'mmexec_state_errors_total', { operation: 'budget_get' })) >= 6);

    await redis.start();
    await eventually(async () => (await health(gw)).status === 'ok', 'healthz to report ok again');
    assert.equal((await ask(gw, 'back', clientHeaders('frontend', 'ok-2'))).status, 200);
    await eventually(() => team.logs.some((l) => l.level === 'info' && /state store available again/.test(l.message)), 'the recovery to be logged');

    const second = await outage(3);
    assert.equal(second.length, 1, `a new outage is logged again, once:\n${second.map((l) => l.message).join('\n')}`);
    await redis.start();
  });
});
