import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ask, clientHeaders, errorMessage, eventually, exampleYaml, health, metric, startTeam, type TeamSetup } from '../../support/team-gateway.js';
import { REDIS_MISSING, redisBinary, startRedis, type TestRedis } from '../../support/redis-server.js';

describe('two replicas on one Redis (example team config)', () => {
  let redis: TestRedis | undefined;
  let team: TeamSetup;
  before(async () => {
    const bin = redisBinary();
    if (!bin) return;
    redis = await startRedis(bin);
    team = await startTeam({ env: { REDIS_URL: redis.url } });
  });
  after(async () => {
    await team?.close();
    await redis?.close();
  });
  const counts = (): { anthropic: number; minimax: number } => ({ anthropic: team.anthropic.requests.length, minimax: team.minimax.requests.length });

  it('routes a session sticky on replica B after replica A handled its trigger, and releases it the same way', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const [a, b] = team.replicas as [TeamSetup['replicas'][number], TeamSetup['replicas'][number]];
    let before_ = counts();
    assert.equal((await ask(a, 'mmexec write a haiku', clientHeaders('frontend', 'sess-1'))).status, 200);
    assert.equal(counts().minimax, before_.minimax + 1, 'the trigger went to MiniMax');

    before_ = counts();
    const followUp = await ask(b, 'another one', clientHeaders('backend', 'sess-1'));
    assert.equal(followUp.status, 200, followUp.text);
    assert.deepEqual(counts(), { ...before_, minimax: before_.minimax + 1 }, 'replica B kept the session on MiniMax');
    assert.equal((await ask(b, 'unrelated', clientHeaders('backend', 'sess-2'))).status, 200);
    assert.equal(counts().anthropic, before_.anthropic + 1, 'other sessions stay on Anthropic');

    assert.equal((await ask(b, 'mmrelease', clientHeaders('frontend', 'sess-1'))).status, 418);
    before_ = counts();
    assert.equal((await ask(a, 'back home', clientHeaders('frontend', 'sess-1'))).status, 200);
    assert.equal(counts().anthropic, before_.anthropic + 1, 'replica A saw the release made on B');
  });

  it('keeps serving on the default route while Redis is down, degraded and counted, and recovers when it returns', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const [a, b] = team.replicas as [TeamSetup['replicas'][number], TeamSetup['replicas'][number]];
    assert.equal((await ask(a, 'mmexec start', clientHeaders('frontend', 'sess-3'))).status, 200);
    assert.equal((await health(b)).status, 'ok');
    const errorsBefore = await metric(b, 'mmexec_state_errors_total');

    await redis.stop();
    for (const gw of [a, b]) await eventually(async () => (await health(gw)).status === 'degraded', 'healthz to report degraded');
    const before_ = counts();
    const res = await ask(b, 'still there?', clientHeaders('frontend', 'sess-3'));
    assert.equal(res.status, 200, res.text);
    assert.equal(counts().anthropic, before_.anthropic + 1, 'without state the sticky session falls back to the default route');
    assert.ok((await metric(b, 'mmexec_state_errors_total', { operation: 'sticky_get' })) > 0);
    assert.ok((await metric(b, 'mmexec_state_errors_total')) > errorsBefore);
    assert.ok(team.logs.some((l) => l.replica === 'b' && l.level === 'warn' && /state store unavailable/.test(l.message)), 'a warning was logged');

    await redis.start();
    for (const gw of [a, b]) await eventually(async () => (await health(gw)).status === 'ok', 'healthz to report ok again');
    assert.equal((await ask(a, 'mmexec resume', clientHeaders('frontend', 'sess-3'))).status, 200);
    const after_ = counts();
    assert.equal((await ask(b, 'continue', clientHeaders('backend', 'sess-3'))).status, 200);
    assert.equal(counts().minimax, after_.minimax + 1, 'stickiness across replicas works again');
  });
});

describe('a replica with state.on_error: fail_closed', () => {
  let redis: TestRedis | undefined;
  let team: TeamSetup;
  before(async () => {
    const bin = redisBinary();
    if (!bin) return;
    redis = await startRedis(bin);
    team = await startTeam({ yaml: exampleYaml([['on_error: fail_open', 'on_error: fail_closed']]), replicas: 1, env: { REDIS_URL: redis.url } });
  });
  after(async () => {
    await team?.close();
    await redis?.close();
  });

  it('answers 503 without reaching an upstream while Redis is down, and serves again once it is back', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const gw = team.replicas[0]!;
    assert.equal((await ask(gw, 'hello', clientHeaders('frontend', 'fc-1'))).status, 200);
    await redis.stop();
    await eventually(async () => (await health(gw)).status === 'degraded', 'healthz to report degraded');
    const seen = team.anthropic.requests.length;
    const res = await ask(gw, 'hello again', clientHeaders('frontend', 'fc-1'));
    assert.equal(res.status, 503);
    assert.match(errorMessage(res.json), /unavailable/);
    assert.equal(team.anthropic.requests.length, seen);
    await redis.start();
    await eventually(async () => (await health(gw)).status === 'ok', 'healthz to report ok again');
    assert.equal((await ask(gw, 'and now?', clientHeaders('frontend', 'fc-1'))).status, 200);
  });
});
