/**
 * Bounded maps for in-process caches, and the helpers that keep client strings out of them: caches are
 * bounded by entries and by bytes, long keys are hashed, and kept strings are copies (a short slice of a
 * huge string would otherwise keep the whole string alive).
 */
import { hash } from 'node:crypto';

/** Keys up to this many characters are kept as they are; longer ones are replaced by their hash. */
export const MAX_PLAIN_KEY = 128;

/** Rough bytes a string costs on the heap (two per character plus the object header). */
export function stringBytes(s: string): number {
  return 32 + 2 * s.length;
}

/** A fresh copy of `s` that shares no memory with the string it was cut from. */
export function detach(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/**
 * A cache key for a client-chosen string: the string itself when short (a copy when `keep`, for storing),
 * else its SHA-256, so a cache never holds more than MAX_PLAIN_KEY characters of a client string.
 */
export function cacheKey(s: string, keep = false): string {
  if (s.length > MAX_PLAIN_KEY) return `sha256:${hash('sha256', s, 'base64')}`;
  return keep ? detach(s) : s;
}

/** Bytes of one entry, for the byte bound. */
export type SizeOf<K, V> = (key: K, value: V) => number;

const defaultSize: SizeOf<unknown, unknown> = (k, v) => 48 + (typeof k === 'string' ? stringBytes(k) : 8) + (typeof v === 'string' ? stringBytes(v) : 8);

/** An LRU map bounded by entries and by (estimated) bytes: recently used keys survive, the oldest go first. */
export class LruMap<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly sizeOf: SizeOf<K, V> = defaultSize,
  ) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e !== undefined) {
      this.map.delete(key);
      this.map.set(key, e);
    }
    return e?.value;
  }

  /** Stores an entry; one larger than the whole byte bound is not stored at all. */
  set(key: K, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(key, value);
    if (bytes > this.maxBytes) return;
    this.map.set(key, { value, bytes });
    this.total += bytes;
    while (this.map.size > this.maxEntries || this.total > this.maxBytes) this.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    const e = this.map.get(key);
    if (e === undefined) return;
    this.map.delete(key);
    this.total -= e.bytes;
  }

  get size(): number {
    return this.map.size;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.total;
  }
}
