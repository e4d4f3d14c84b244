import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf, tokensByType } from '../../../src/metrics/cost.js';
import { compilePrices, type Price } from '../../../src/metrics/prices.js';
import type { Usage } from '../../../src/metrics/types.js';
import { assertUsd } from '../../support/metrics-helpers.js';

const table = compilePrices();
function price(model: string): Price {
  const p = table.lookup(model);
  assert.ok(p, `${model} is priced`);
  return p;
}

const BASE: Usage = {
  input_tokens: 1000,
  output_tokens: 500,
  cache_read_input_tokens: 20000,
  cache_creation_input_tokens: 3000,
};

describe('costOf', () => {
  const cases: { name: string; usage: Usage; model: string; usd: number }[] = [
    {
      name: 'counts every cache write as 5-minute when the split is absent',
      usage: BASE,
      model: 'claude-opus-4-8',
      // 1000×5 + 20000×0.5 + 3000×6.25 + 500×25 = 5000 + 10000 + 18750 + 12500 = 46250 → /1e6
      usd: 0.04625,
    },
    {
      name: 'prices 1-hour writes at 2x input when the split is present',
      usage: { ...BASE, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 } },
      model: 'claude-opus-4-8',
      // 5000 + 10000 + 1000×6.25 + 2000×10 + 12500 = 5000 + 10000 + 6250 + 20000 + 12500 = 53750 → /1e6
      usd: 0.05375,
    },
    {
      name: 'counts writes the split leaves out as 5-minute',
      usage: { ...BASE, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 2000 } },
      model: 'claude-opus-4-8',
      // same as above: 3000 − 2000 = 1000 five-minute writes → 53750 / 1e6
      usd: 0.05375,
    },
    {
      name: 'prices MiniMax usage with its single cache write price',
      usage: BASE,
      model: 'MiniMax-M2.7',
      // 1000×0.3 + 20000×0.06 + 3000×0.375 + 500×1.2 = 300 + 1200 + 1125 + 600 = 3225 → /1e6
      usd: 0.003225,
    },
    {
      name: 'prices MiniMax 1-hour writes like 5-minute ones',
      usage: { ...BASE, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 3000 } },
      model: 'MiniMax-M2.5',
      // 1000×0.3 + 20000×0.03 + 3000×0.375 + 500×1.2 = 300 + 600 + 1125 + 600 = 2625 → /1e6
      usd: 0.002625,
    },
    {
      name: 'treats negative and non-finite counts as zero',
      usage: { input_tokens: -5, output_tokens: Number.NaN, cache_read_input_tokens: Infinity, cache_creation_input_tokens: 10 },
      model: 'claude-sonnet-4-6',
      // only the 10 five-minute writes count: 10×3.75 = 37.5 → /1e6
      usd: 0.0000375,
    },
  ];
  for (const c of cases) {
    it(c.name, () => assertUsd(costOf(c.usage, price(c.model)), c.usd));
  }
});

describe('tokensByType', () => {
  it('splits usage into disjoint price classes', () => {
    assert.deepEqual(
      tokensByType({ ...BASE, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 } }),
      { input: 1000, output: 500, cache_read: 20000, cache_write_5m: 1000, cache_write_1h: 2000 },
    );
  });

  it('puts all writes in the 5-minute class without a split', () => {
    assert.deepEqual(tokensByType(BASE), { input: 1000, output: 500, cache_read: 20000, cache_write_5m: 3000, cache_write_1h: 0 });
  });
});
