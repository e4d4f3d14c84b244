import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { periodEnd } from '../../../src/team/budget.js';
import { ask, CLASSIC_RULES, clientHeaders, errorMessage, eventually, startTeam, type TeamSetup } from '../../support/team-gateway.js';
import { REDIS_MISSING, redisBinary, startRedis, type TestRedis } from '../../support/redis-server.js';

/** Every Anthropic answer costs exactly $0.0005 (100 input tokens of claude-opus-4-8 at $5/M). */
const USAGE = { input_tokens: 100, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
const COST_MICROS = 500;

const YAML = `
version: 1
state: { store: redis, url: "\${REDIS_URL}" }
clients:
  - { name: frontend, key: "\${MMEXEC_KEY_FRONTEND}", budget: { daily_usd: 0.0032 } }
  - { name: backend, key: "\${MMEXEC_KEY_BACKEND}", budget: { monthly_usd: 0.0005, over_budget: minimax } }
  - { name: ops, key: "\${MMEXEC_KEY_OPS}", budget: { daily_usd: 0.0032, over_budget: reject } }
  - { name: qa, key: "\${MMEXEC_KEY_QA}", budget: { per_upstream: { minimax: { daily_usd: 0.0001 } } } }
upstreams:
  anthropic: { url: "\${ANTHROPIC_UPSTREAM_URL}", provider: anthropic, auth: passthrough }
  minimax: { url: "\${MINIMAX_BASE_URL}", auth: { key_env: MINIMAX_API_KEY, as: bearer }, model: MiniMax-M2.7 }
routes:
  - include: ${CLASSIC_RULES}
`;

describe('budgets shared by two replicas', () => {
  let redis: TestRedis | undefined;
  let raw: Redis;
  let team: TeamSetup;
  const today = new Date().toISOString().slice(0, 10);
  const counter = async (key: string): Promise<number> => Number((await raw.get(`mmexec:budget:${key}`)) ?? 0);

  before(async () => {
    const bin = redisBinary();
    if (!bin) return;
    redis = await startRedis(bin);
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    team = await startTeam({ yaml: YAML, env: { REDIS_URL: redis.url } });
    team.anthropic.setScript({ usage: USAGE, thinking: null });
    team.minimax.setScript({ usage: { ...USAGE, input_tokens: 1000 } });
  });
  after(async () => {
    await team?.close();
    raw?.disconnect();
    await redis?.close();
  });

  it('charges concurrent requests from both replicas exactly once each and sees the cap crossed once', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const seen = team.anthropic.requests.length;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(team.replicas[i % 2]!, `hello ${i}`, clientHeaders('frontend'))));
    assert.deepEqual(results.map((r) => r.status), Array(10).fill(200), 'all started under budget');
    assert.equal(team.anthropic.requests.length, seen + 10);
    await eventually(async () => (await counter(`frontend.d.${today}`)) === 10 * COST_MICROS, 'all ten charges');
    const crossings = team.logs.filter((l) => l.message === 'client budget reached' && l.client === 'frontend');
    assert.equal(crossings.length, 1, 'exactly one increment crossed the cap');

    const reset = periodEnd('daily', new Date()).toISOString();
    for (const gw of team.replicas) {
      const res = await ask(gw, 'one more', clientHeaders('frontend'));
      assert.equal(res.status, 429);
      assert.equal((res.json as { error: { type: string } }).error.type, 'rate_limit_error');
      assert.match(errorMessage(res.json), /daily budget of \$0\.0032/);
      assert.ok(errorMessage(res.json).includes(`resets at ${reset}`), errorMessage(res.json));
    }
    assert.equal(team.anthropic.requests.length, seen + 10, 'rejected requests reach no upstream');
  });

  it('lets exactly as many sequential requests through as fit, alternating replicas', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    let passed = 0;
    for (let i = 0; i < 12; i++) {
      const res = await ask(team.replicas[i % 2]!, `step ${i}`, clientHeaders('ops'));
      if (res.status === 429) break;
      assert.equal(res.status, 200, res.text);
      passed++;
      await eventually(async () => (await counter(`ops.d.${today}`)) === passed * COST_MICROS, `charge ${passed}`);
    }
    assert.equal(passed, Math.ceil(3200 / COST_MICROS), '7 requests fit in $0.0032 at $0.0005');
  });

  it('routes an over-budget client to its over_budget upstream instead of rejecting it', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const [a, b] = team.replicas as [TeamSetup['replicas'][number], TeamSetup['replicas'][number]];
    const mm = team.minimax.requests.length;
    assert.equal((await ask(a, 'first', clientHeaders('backend'))).status, 200);
    assert.equal(team.minimax.requests.length, mm, 'under budget: Anthropic');
    await eventually(async () => (await counter(`backend.m.${today.slice(0, 7)}`)) >= COST_MICROS, 'the charge');
    const res = await ask(b, 'second', clientHeaders('backend'));
    assert.equal(res.status, 200, res.text);
    assert.equal(team.minimax.requests.length, mm + 1, 'over budget: MiniMax');
    assert.ok(team.logs.some((l) => l.replica === 'b' && /over_budget upstream/.test(l.message) && l.client === 'backend'));
  });

  it('applies a per-upstream cap only to requests for that upstream', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const gw = team.replicas[0]!;
    assert.equal((await ask(gw, 'mmexec cheap task', clientHeaders('qa', 'qa-1'))).status, 200);
    await eventually(async () => (await counter(`qa.minimax.d.${today}`)) > 0, 'the MiniMax charge');
    const res = await ask(team.replicas[1]!, 'more on minimax', clientHeaders('qa', 'qa-1'));
    assert.equal(res.status, 429);
    assert.match(errorMessage(res.json), /daily minimax budget/);
    assert.equal((await ask(gw, 'on anthropic', clientHeaders('qa', 'qa-2'))).status, 200, 'other upstreams are not capped');
  });
});
