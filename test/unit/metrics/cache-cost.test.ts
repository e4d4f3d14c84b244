/** The cache part of the cost: mmexec_cache_cost_usd_total by upstream and operation, and mmexec_budget_remaining_usd. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheCostOf, costOf } from '../../../src/metrics/cost.js';
import { compilePrices } from '../../../src/metrics/prices.js';
import { createMetrics } from '../../../src/metrics/registry.js';
import type { Usage } from '../../../src/metrics/types.js';
import { assertUsd } from '../../support/metrics-helpers.js';

const prices = compilePrices();
const opus = prices.lookup('claude-opus-4-8')!;
const USAGE: Usage = {
  input_tokens: 1000,
  output_tokens: 500,
  cache_read_input_tokens: 20000,
  cache_creation_input_tokens: 3000,
  cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
};

async function values(text: string, name: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (m) out.set(m[1] ?? '', Number(m[2]));
  }
  return out;
}

describe('cache cost', () => {
  it('prices reads and writes (by TTL) at the table the cost uses, as a part of the cost', () => {
    const c = cacheCostOf(USAGE, opus);
    assertUsd(c.read, (20000 * opus.cache_read) / 1e6, 'read');
    assertUsd(c.write, (1000 * opus.cache_write_5m + 2000 * opus.cache_write_1h) / 1e6, 'write');
    const rest = costOf({ ...USAGE, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, cache_creation: undefined }, opus);
    assertUsd(c.read + c.write + rest, costOf(USAGE, opus), 'reads + writes + the rest = cost');
  });

  it('is counted per upstream and operation, starting at 0 for every known upstream', async () => {
    const { registry, recorder } = createMetrics({ version: 't', prices, defaultMetrics: false });
    recorder.declareKnown({ upstreams: ['anthropic', 'minimax'], stickyValues: [] });
    recorder.requestFinished({ route: 'r', upstream: 'anthropic', model: 'claude-opus-4-8', requestedModel: 'claude-opus-4-8', status: 200, durationSeconds: 1, usage: USAGE });
    const v = await values(await registry.metrics(), 'mmexec_cache_cost_usd_total');
    assertUsd(v.get('{upstream="anthropic",operation="read"}')!, cacheCostOf(USAGE, opus).read, 'read');
    assertUsd(v.get('{upstream="anthropic",operation="write"}')!, cacheCostOf(USAGE, opus).write, 'write');
    assert.equal(v.get('{upstream="minimax",operation="read"}'), 0);
    assert.equal(v.get('{upstream="minimax",operation="write"}'), 0);
  });

  it('exports the remaining budgets its source reads at each scrape, and nothing when the source fails', async () => {
    let fail = false;
    const source = async (): Promise<{ client: string; period: string; usd: number }[]> => {
      if (fail) throw new Error('store down');
      return [{ client: 'frontend', period: 'daily', usd: 12.5 }, { client: 'frontend', period: 'monthly', usd: 300 }];
    };
    const { registry } = createMetrics({ version: 't', prices, defaultMetrics: false, budgetRemaining: source });
    const v = await values(await registry.metrics(), 'mmexec_budget_remaining_usd');
    assert.equal(v.get('{client="frontend",period="daily"}'), 12.5);
    assert.equal(v.get('{client="frontend",period="monthly"}'), 300);
    fail = true;
    assert.equal((await values(await registry.metrics(), 'mmexec_budget_remaining_usd')).size, 0);
  });
});
