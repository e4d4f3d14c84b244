/**
 * Model prices: bundled list prices plus user overrides, compiled once into a table with a memoised lookup.
 */
import { compileGlob } from '../match/glob.js';
import { MAX_MODEL_NAME } from '../match/text-match.js';
import { detach, LruMap, stringBytes } from '../state/lru-map.js';

/** Prices of one model in USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  cache_read: number;
  cache_write_5m: number;
  cache_write_1h: number;
}

/** A price for every model whose name matches `model`, a case-insensitive glob where `*` and `?` are wildcards. */
export interface PriceEntry extends Price {
  model: string;
}

/** A user price entry as written in the config: cache prices may be left out (see completePriceEntry). */
export type PartialPriceEntry = Pick<PriceEntry, 'model' | 'input' | 'output'> &
  Partial<Pick<PriceEntry, 'cache_read' | 'cache_write_5m' | 'cache_write_1h'>>;

/** A compiled price list; `lookup` returns the first matching entry's price, or undefined for unpriced models. */
export interface PriceTable {
  lookup(model: string): Price | undefined;
  /** The entries in match order (user entries first, then the defaults). */
  readonly entries: readonly PriceEntry[];
}

const PRICE_FIELDS = ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h'] as const;

function anthropic(models: string[], input: number, output: number): PriceEntry[] {
  // Anthropic's multipliers: 5-minute write 1.25x input, 1-hour write 2x, cache read 0.1x.
  return models.map((model) => ({
    model,
    input,
    output,
    cache_read: round(input * 0.1),
    cache_write_5m: round(input * 1.25),
    cache_write_1h: round(input * 2),
  }));
}

function minimax(model: string, input: number, output: number, cacheRead: number): PriceEntry {
  // MiniMax publishes one cache write price and no TTL split, so both write classes use it.
  return { model, input, output, cache_read: cacheRead, cache_write_5m: 0.375, cache_write_1h: 0.375 };
}

function openai(model: string, input: number, output: number, cacheRead: number): PriceEntry[] {
  // OpenAI charges nothing to write its prompt cache; the name and its dated snapshots (model-2026-03-05) match.
  return [model, `${model}-20??-??-??`].map((m) => ({ model: m, input, output, cache_read: cacheRead, cache_write_5m: 0, cache_write_1h: 0 }));
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * Bundled list prices (USD per million tokens); first match wins, so more specific globs come first.
 * Unknown future versions deliberately match nothing (they are reported as unpriced, not mispriced).
 */
export const DEFAULT_PRICES: readonly PriceEntry[] = Object.freeze([
  ...anthropic(['claude-opus-4-5*', 'claude-opus-4-6*', 'claude-opus-4-7*', 'claude-opus-4-8*'], 5, 25),
  // Opus 4 has dated names (claude-opus-4-20250514) and the alias claude-opus-4-0; 4.1 is claude-opus-4-1*.
  ...anthropic(['claude-opus-4', 'claude-opus-4-0*', 'claude-opus-4-20??????*', 'claude-opus-4-1*'], 15, 75),
  ...anthropic(['claude-sonnet-4*'], 3, 15),
  ...anthropic(['claude-haiku-4-5*'], 1, 5),
  minimax('MiniMax-M2.7-highspeed', 0.6, 2.4, 0.06),
  minimax('MiniMax-M2.7', 0.3, 1.2, 0.06),
  minimax('MiniMax-M2.5', 0.3, 1.2, 0.03),
  minimax('MiniMax-M2.1', 0.3, 1.2, 0.03),
  minimax('MiniMax-M2', 0.3, 1.2, 0.03),
  // OpenAI Standard tier, short context (https://developers.openai.com/api/docs/pricing, as listed in June 2026);
  // gpt-5.4's surcharge past 272k input tokens is not modelled.
  ...openai('gpt-5.5', 5, 30, 0.5),
  ...openai('gpt-5.4', 2.5, 15, 0.25),
  ...openai('gpt-5.4-mini', 0.75, 4.5, 0.075),
  ...openai('gpt-5.4-nano', 0.2, 1.25, 0.02),
  ...openai('gpt-5.2', 1.75, 14, 0.175),
  ...openai('gpt-5', 1.25, 10, 0.125),
  ...openai('gpt-5-mini', 0.25, 2, 0.025),
]);

/**
 * Fills missing cache prices with Anthropic's multipliers (read 0.1x input, 5-minute write 1.25x,
 * 1-hour write 2x); when only a 5-minute write price is given, the 1-hour write uses it too (MiniMax style).
 */
export function completePriceEntry(e: PartialPriceEntry): PriceEntry {
  const write5m = e.cache_write_5m ?? round(e.input * 1.25);
  return {
    model: e.model,
    input: e.input,
    output: e.output,
    cache_read: e.cache_read ?? round(e.input * 0.1),
    cache_write_5m: write5m,
    cache_write_1h: e.cache_write_1h ?? (e.cache_write_5m !== undefined ? e.cache_write_5m : round(e.input * 2)),
  };
}

function validate(entry: PartialPriceEntry, where: string): void {
  if (typeof entry.model !== 'string' || entry.model.length === 0) {
    throw new Error(`${where}: model must be a non-empty glob string`);
  }
  for (const field of PRICE_FIELDS) {
    const v = entry[field];
    if (v === undefined && field !== 'input' && field !== 'output') continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new Error(`${where} (${entry.model}): ${field} must be a non-negative number, got ${String(v)}`);
    }
  }
}

const MEMO_LIMIT = 1000;
const MEMO_BYTES = 1024 * 1024;

/**
 * Builds a PriceTable from user entries (which take precedence, missing cache prices completed by
 * completePriceEntry) followed by DEFAULT_PRICES. Throws naming the offending entry (`prices[2] (model): ...`)
 * when a user entry is invalid.
 */
export function compilePrices(userEntries: readonly PartialPriceEntry[] = []): PriceTable {
  userEntries.forEach((e, i) => validate(e, `prices[${i}]`));
  const user = userEntries.map(completePriceEntry);
  const entries = Object.freeze([...user, ...DEFAULT_PRICES].map((e) => Object.freeze({ ...e })));
  const compiled = entries.map((e) => ({
    glob: compileGlob(e.model),
    price: Object.freeze({
      input: e.input,
      output: e.output,
      cache_read: e.cache_read,
      cache_write_5m: e.cache_write_5m,
      cache_write_1h: e.cache_write_1h,
    }) as Price,
  }));
  // null marks a model known to be unpriced, so misses are memoised too.
  const memo = new LruMap<string, Price | null>(MEMO_LIMIT, MEMO_BYTES, (k) => 64 + stringBytes(k));
  return {
    entries,
    lookup(model: string): Price | undefined {
      // No real model has a longer name; it is not matched (nor remembered) at all.
      if (model.length > MAX_MODEL_NAME) return undefined;
      const hit = memo.get(model);
      if (hit !== undefined) return hit ?? undefined;
      const found = compiled.find((c) => c.glob.test(model))?.price ?? null;
      memo.set(detach(model), found);
      return found ?? undefined;
    },
  };
}
