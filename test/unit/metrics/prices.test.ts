import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PRICES, compilePrices, type Price } from '../../../src/metrics/prices.js';
import { compileGlob } from '../../../src/match/glob.js';

const OPUS_NEW: Price = { input: 5, output: 25, cache_read: 0.5, cache_write_5m: 6.25, cache_write_1h: 10 };
const OPUS_OLD: Price = { input: 15, output: 75, cache_read: 1.5, cache_write_5m: 18.75, cache_write_1h: 30 };
const SONNET: Price = { input: 3, output: 15, cache_read: 0.3, cache_write_5m: 3.75, cache_write_1h: 6 };
const HAIKU: Price = { input: 1, output: 5, cache_read: 0.1, cache_write_5m: 1.25, cache_write_1h: 2 };
const M27: Price = { input: 0.3, output: 1.2, cache_read: 0.06, cache_write_5m: 0.375, cache_write_1h: 0.375 };
const M27_FAST: Price = { input: 0.6, output: 2.4, cache_read: 0.06, cache_write_5m: 0.375, cache_write_1h: 0.375 };
const GPT55: Price = { input: 5, output: 30, cache_read: 0.5, cache_write_5m: 0, cache_write_1h: 0 };
const GPT54_MINI: Price = { input: 0.75, output: 4.5, cache_read: 0.075, cache_write_5m: 0, cache_write_1h: 0 };
const M2X: Price = { input: 0.3, output: 1.2, cache_read: 0.03, cache_write_5m: 0.375, cache_write_1h: 0.375 };

describe('DEFAULT_PRICES', () => {
  const table = compilePrices();
  const cases: [string, Price | undefined][] = [
    ['claude-opus-4-8', OPUS_NEW],
    ['claude-opus-4-7', OPUS_NEW],
    ['claude-opus-4-6', OPUS_NEW],
    ['claude-opus-4-5', OPUS_NEW],
    ['claude-opus-4-5-20251101', OPUS_NEW],
    ['claude-opus-4-1', OPUS_OLD],
    ['claude-opus-4-1-20250805', OPUS_OLD],
    ['claude-opus-4-20250514', OPUS_OLD],
    ['claude-opus-4-0', OPUS_OLD],
    ['claude-opus-4', OPUS_OLD],
    ['claude-sonnet-4-5-20250929', SONNET],
    ['claude-sonnet-4-5', SONNET],
    ['claude-sonnet-4-6', SONNET],
    ['claude-sonnet-4-20250514', SONNET],
    ['CLAUDE-SONNET-4-6', SONNET],
    ['claude-haiku-4-5', HAIKU],
    ['claude-haiku-4-5-20251001', HAIKU],
    ['MiniMax-M2.7', M27],
    ['minimax-m2.7', M27],
    ['MiniMax-M2.7-highspeed', M27_FAST],
    ['MiniMax-M2.5', M2X],
    ['MiniMax-M2.1', M2X],
    ['MiniMax-M2', M2X],
    // Unknown names stay unpriced rather than borrowing a neighbour's price.
    ['claude-opus-4-9', undefined],
    ['claude-3-5-sonnet-20241022', undefined],
    ['MiniMax-M2x7', undefined],
    ['MiniMax-M2.5-highspeed', undefined],
    ['gpt-5.5', GPT55],
    ['gpt-5.5-2026-04-23', GPT55],
    ['gpt-5.4-mini', GPT54_MINI],
    ['gpt-5.4-mini-2026-03-17', GPT54_MINI],
    ['gpt-5.5-pro', undefined],
    ['gpt-5.4-mini-latest', undefined],
    ['gpt-4o', undefined],
    ['', undefined],
  ];
  for (const [model, expected] of cases) {
    it(`prices ${model || '(empty)'} ${expected ? `at ${expected.input}/${expected.output}` : 'as unpriced'}`, () => {
      const got = table.lookup(model);
      assert.deepEqual(got === undefined ? undefined : { ...got }, expected);
    });
  }

  it('gives MiniMax the same price for 5-minute and 1-hour writes', () => {
    for (const e of DEFAULT_PRICES.filter((p) => p.model.startsWith('MiniMax'))) {
      assert.equal(e.cache_write_1h, e.cache_write_5m, e.model);
    }
  });
});

describe('compilePrices', () => {
  it('lets user entries override the defaults', () => {
    const table = compilePrices([{ model: 'claude-opus-4-8', ...M27 }]);
    assert.deepEqual({ ...table.lookup('claude-opus-4-8') }, M27);
    assert.deepEqual({ ...table.lookup('claude-opus-4-7') }, OPUS_NEW);
    assert.equal(table.entries[0]?.model, 'claude-opus-4-8');
  });

  it('matches ? as exactly one character and treats regex metacharacters literally', () => {
    const table = compilePrices([
      { model: 'local-?b', ...HAIKU },
      { model: 'x.y(z)', ...SONNET },
    ]);
    assert.ok(table.lookup('local-7b'));
    assert.equal(table.lookup('local-70b'), undefined);
    assert.ok(table.lookup('X.Y(Z)'));
    assert.equal(table.lookup('xay(z)'), undefined);
  });

  it('memoises lookups, misses included', () => {
    const table = compilePrices();
    assert.equal(table.lookup('claude-sonnet-4-6'), table.lookup('claude-sonnet-4-6'));
    assert.equal(table.lookup('nope'), undefined);
    assert.equal(table.lookup('nope'), undefined);
  });

  it('keeps answering correctly past the memo bound', () => {
    const table = compilePrices();
    for (let i = 0; i < 1500; i++) table.lookup(`unknown-${i}`);
    assert.deepEqual({ ...table.lookup('claude-haiku-4-5') }, HAIKU);
    assert.equal(table.lookup('unknown-1499'), undefined);
  });

  it('rejects an invalid user entry naming its place', () => {
    assert.throws(() => compilePrices([{ model: 'a', ...HAIKU }, { model: 'b', ...HAIKU, output: -1 }]), /prices\[1\] \(b\): output/);
    assert.throws(() => compilePrices([{ ...HAIKU, model: '' }]), /prices\[0\]: model/);
  });

  it('completes missing cache prices from the input price, or from the 5-minute write price', () => {
    const table = compilePrices([
      { model: 'anthropic-like', input: 4, output: 20 },
      { model: 'minimax-like', input: 0.5, output: 2, cache_read: 0.05, cache_write_5m: 0.6 },
    ]);
    // 4×0.1 = 0.4, 4×1.25 = 5, 4×2 = 8
    assert.deepEqual({ ...table.lookup('anthropic-like') }, { input: 4, output: 20, cache_read: 0.4, cache_write_5m: 5, cache_write_1h: 8 });
    assert.deepEqual({ ...table.lookup('minimax-like') }, { input: 0.5, output: 2, cache_read: 0.05, cache_write_5m: 0.6, cache_write_1h: 0.6 });
    assert.throws(() => compilePrices([{ model: 'x', input: 1, output: 1, cache_read: Number.NaN }]), /prices\[0\] \(x\): cache_read/);
  });

  it('compiles globs anchored at both ends', () => {
    assert.equal(compileGlob('claude-*').test('xclaude-1'), false);
    assert.equal(compileGlob('claude-*').test('claude-1'), true);
  });
});
