/**
 * Keeps label values bounded: a sanitiser for each value and a cap on how many distinct values a label takes.
 */
import { detach, LruMap, stringBytes } from '../state/lru-map.js';

/** Longest label value kept; longer values are cut. */
export const MAX_LABEL_LENGTH = 64;

/** Label value used once a label has reached its cap of distinct values. */
export const OVERFLOW_LABEL = 'other';

/** Label value used for empty or non-string input. */
export const UNKNOWN_LABEL = 'unknown';

const DISALLOWED = /[^A-Za-z0-9._:@/+-]/g;

/** Raw values up to this long are remembered with their label; longer ones are sanitised each time (cheap). */
const MAX_CACHED_RAW = 2 * MAX_LABEL_LENGTH;

/**
 * Returns a label value made only of `[A-Za-z0-9._:@/+-]` (other characters become `_`), at most
 * MAX_LABEL_LENGTH long, and `unknown` when empty. The result is a copy: it never keeps `value` alive.
 */
export function sanitizeLabel(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) return UNKNOWN_LABEL;
  // Cut first so a huge input costs no more than a short one; copy so the cut keeps no huge parent alive.
  const cleaned = detach(value.slice(0, MAX_LABEL_LENGTH).replace(DISALLOWED, '_'));
  return cleaned.length > 0 ? cleaned : UNKNOWN_LABEL;
}

/**
 * Maps raw values to sanitised label values, letting through at most `limit` distinct values and mapping
 * every later newcomer to `other`. One per label family; cheap on repeat values.
 */
export class LabelLimiter {
  private readonly admitted = new Set<string>();
  private readonly cache: LruMap<string, string>;

  constructor(
    private readonly limit: number,
    cacheLimit = 4 * limit + 64,
  ) {
    this.cache = new LruMap(cacheLimit, cacheLimit * (stringBytes(' '.repeat(MAX_CACHED_RAW)) + 200));
  }

  /** The bounded label value for `raw`. */
  get(raw: unknown): string {
    const cacheable = typeof raw === 'string' && raw.length <= MAX_CACHED_RAW;
    if (cacheable) {
      const hit = this.cache.get(raw);
      if (hit !== undefined) return hit;
    }
    const clean = sanitizeLabel(raw);
    let out = clean;
    if (!this.admitted.has(clean)) {
      if (this.admitted.size < this.limit) this.admitted.add(clean);
      else out = OVERFLOW_LABEL;
    }
    if (cacheable) this.cache.set(detach(raw), out);
    return out;
  }

  /** How many distinct values have been admitted. */
  get size(): number {
    return this.admitted.size;
  }
}
