/**
 * `mmexec explain` runs the request path `serve` runs: client admission (401, 429), budget reroutes,
 * fallbacks and the gateway's own stages are decided and shown as serve decides them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { formatExplain } from '../../src/explain/format-explain.js';
import { simulate, type SimulationInput } from '../../src/explain/simulate.js';
import { compilePlan } from '../../src/plan/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { writeRuleFile } from '../support/rule-file-gateway.js';

const KEYS = { spent: 'spent-key-0123456789', rerouted: 'rerouted-key-0123456789', fresh: 'fresh-key-0123456789' };

const RULES = `
version: 1
state: { store: memory }
clients:
  - { name: spent, key: ${KEYS.spent}, budget: { daily_usd: 0 } }
  - { name: rerouted, key: ${KEYS.rerouted}, budget: { daily_usd: 0, over_budget: cheap } }
  - { name: fresh, key: ${KEYS.fresh} }
upstreams:
  primary: { url: "http://127.0.0.1:9", fallback: backup, provider: anthropic }
  backup: { url: "http://127.0.0.1:9" }
  cheap: { url: "http://127.0.0.1:9" }
routes:
  - { name: all, upstream: primary }
`;

function input(key: string | undefined, extra: Partial<SimulationInput> = {}): SimulationInput {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { 'x-mmexec-key': key } : {}) };
  const raw = Buffer.from(JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] }));
  return { method: 'POST', path: '/v1/messages', headers, raw, ...extra };
}

describe('explain decides as serve does', () => {
  let plan: Plan;
  before(() => {
    plan = compilePlan(loadConfig(writeRuleFile(RULES), { env: {} }), {}).plan;
  });
  after(() => {
    for (const u of plan.upstreams.values()) u.agent.destroy();
  });

  it('refuses a request without a client key with 401, before routing', async () => {
    const sim = await simulate(plan, input(undefined), {});
    assert.equal(sim.error?.status, 401);
    assert.equal(sim.traces.length, 0);
    assert.match(formatExplain(plan, input(undefined), sim), /Client: none \(refused before routing\)[\s\S]*Gateway error: 401 authentication_error/);
  });

  it('answers 429 for a client over its budget', async () => {
    const sim = await simulate(plan, input(KEYS.spent), {});
    assert.equal(sim.error?.status, 429);
    assert.match(formatExplain(plan, input(KEYS.spent), sim), /Gateway error: 429 rate_limit_error: client "spent" has used its daily budget/);
  });

  it("moves a client over its budget to its over_budget upstream", async () => {
    const sim = await simulate(plan, input(KEYS.rerouted), {});
    assert.equal(sim.error, undefined);
    assert.equal(sim.upstream?.name, 'cheap');
    assert.equal(sim.overBudgetFrom, 'primary');
    assert.match(formatExplain(plan, input(KEYS.rerouted), sim), /Budget: over a cap; moved from primary to the client's over_budget upstream cheap/);
  });

  it('follows the fallback of an upstream made to fail', async () => {
    const sim = await simulate(plan, input(KEYS.fresh, { failing: ['primary'] }), {});
    assert.equal(sim.error, undefined);
    assert.equal(sim.upstream?.name, 'backup');
    assert.deepEqual(sim.attempts.map((a) => [a.upstream, a.failed]), [['primary', true], ['backup', false]]);
    assert.match(formatExplain(plan, input(KEYS.fresh), sim), /Attempts: primary \(fails\) → fallback backup \(answers\)/);
  });

  it('answers 502 when the upstream and its fallback both fail', async () => {
    const sim = await simulate(plan, input(KEYS.fresh, { failing: ['primary', 'backup'] }), {});
    assert.equal(sim.error?.status, 502);
  });

  it("lists the gateway's own stages with the configured ones", async () => {
    const sim = await simulate(plan, input(KEYS.fresh, { failing: ['primary'] }), {});
    assert.deepEqual(sim.responseStages, ['usage', 'thinking-recorder']);
    assert.match(formatExplain(plan, input(KEYS.fresh), sim), /Response stages: usage, thinking-recorder/);
  });
});
