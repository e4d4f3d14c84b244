/**
 * Pure cost arithmetic: usage × price, with cache writes split by TTL.
 */
import type { Price } from './prices.js';
import type { RequestCost, Usage } from './types.js';

/** Token counts by price class; the five classes are disjoint and together make up all billed tokens. */
export interface TokensByType {
  input: number;
  output: number;
  cache_read: number;
  cache_write_5m: number;
  cache_write_1h: number;
}

/** The token classes in a fixed order (also the values of the `type` label of mmexec_tokens_total). */
export const TOKEN_TYPES: readonly (keyof TokensByType)[] = Object.freeze([
  'input',
  'output',
  'cache_read',
  'cache_write_5m',
  'cache_write_1h',
]);

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Splits usage into price classes. Without a `cache_creation` split every cache write counts as 5-minute;
 * with one, 1-hour writes are taken from it and any part of `cache_creation_input_tokens` the split does
 * not account for counts as 5-minute. Invalid counts (negative, NaN, missing) count as 0.
 */
export function tokensByType(usage: Usage): TokensByType {
  const writes = count(usage.cache_creation_input_tokens);
  const split = usage.cache_creation;
  let w5m = writes;
  let w1h = 0;
  if (split && typeof split === 'object') {
    w1h = count(split.ephemeral_1h_input_tokens);
    w5m = Math.max(count(split.ephemeral_5m_input_tokens), writes - w1h);
  }
  return {
    input: count(usage.input_tokens),
    output: count(usage.output_tokens),
    cache_read: count(usage.cache_read_input_tokens),
    cache_write_5m: w5m,
    cache_write_1h: w1h,
  };
}

/** Cost of `usage` in USD at `price` (USD per million tokens per class). Never negative; pure. */
export function costOf(usage: Usage, price: Price): number {
  const t = tokensByType(usage);
  return (
    (t.input * price.input +
      t.cache_read * price.cache_read +
      t.cache_write_5m * price.cache_write_5m +
      t.cache_write_1h * price.cache_write_1h +
      t.output * price.output) /
    1e6
  );
}

/** What the cache reads and the cache writes of `usage` cost at `price`, in USD (a part of costOf). Pure. */
export function cacheCostOf(usage: Usage, price: Price): { read: number; write: number } {
  const t = tokensByType(usage);
  return {
    read: (t.cache_read * price.cache_read) / 1e6,
    write: (t.cache_write_5m * price.cache_write_5m + t.cache_write_1h * price.cache_write_1h) / 1e6,
  };
}

/** Minimal price lookup (a compiled PriceTable). */
export interface PriceLookup {
  lookup(model: string): Price | undefined;
}

/** The cost of a request served by `model` when the client asked for `requested`, at `prices`. Pure. */
export function requestCost(usage: Usage, model: string, requested: string | undefined, prices: PriceLookup): RequestCost {
  const price = prices.lookup(model);
  if (!price) return { costUsd: 0, savingsUsd: undefined, priced: false, cache: { read: 0, write: 0 } };
  const costUsd = costOf(usage, price);
  const cache = cacheCostOf(usage, price);
  if (!requested || requested === 'unknown' || requested.toLowerCase() === model.toLowerCase()) return { costUsd, savingsUsd: undefined, priced: true, cache };
  const requestedPrice = prices.lookup(requested);
  return { costUsd, savingsUsd: requestedPrice ? Math.max(0, costOf(usage, requestedPrice) - costUsd) : undefined, priced: true, cache };
}
