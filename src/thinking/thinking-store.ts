/**
 * Remembers thinking blocks that came from non-Anthropic upstreams, by the SHA-256 of their trimmed text,
 * in the state store (with a TTL) and in a bounded in-process cache.
 */
import { hash } from 'node:crypto';
import type { StateOperation } from '../metrics/types.js';
import { cacheKey, LruMap, MAX_PLAIN_KEY } from '../state/lru-map.js';
import type { StateStore } from '../state/store.js';

/** Hex SHA-256 of a string. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The verdict cache's key of a signature given as a string or as its UTF-8 bytes (read from the body
 * without decoding): the same key either way for the ASCII signatures upstreams issue.
 */
function verdictKey(signature: string | Buffer, keep: boolean): string {
  if (typeof signature === 'string') return cacheKey(signature, keep);
  return signature.length <= MAX_PLAIN_KEY ? signature.toString('utf8') : `sha256:${hash('sha256', signature, 'base64')}`;
}

const VERDICT_ENTRIES = 20_000;
const VERDICT_BYTES = 4 * 1024 * 1024;

/** One per gateway. */
export class ThinkingStore {
  private readonly verdictCache = new LruMap<string, boolean>(VERDICT_ENTRIES, VERDICT_BYTES);

  /**
   * Verdicts by signature: true = foreign (convert), false = Anthropic's (leave). Signatures are the
   * client's strings: long ones are kept as their hash, and the cache is bounded in entries and bytes.
   */
  readonly verdicts = {
    get: (signature: string | Buffer): boolean | undefined => this.verdictCache.get(verdictKey(signature, false)),
    set: (signature: string | Buffer, foreign: boolean): void => this.verdictCache.set(verdictKey(signature, true), foreign),
    /** The same cache by a key from `key` (a block seen in many requests keeps its key). */
    getByKey: (key: string): boolean | undefined => this.verdictCache.get(key),
    setByKey: (key: string, foreign: boolean): void => this.verdictCache.set(key, foreign),
    key: (signature: string | Buffer): string => verdictKey(signature, true),
  };

  constructor(
    private readonly store: StateStore,
    private readonly ttlSeconds: number,
    private readonly onError: (op: StateOperation, err: unknown) => void,
  ) {}

  /** Records being written, so shutdown and tests can wait for them. */
  private readonly writing = new Set<Promise<void>>();

  /** Records a thinking text seen in a non-Anthropic answer. Never rejects. */
  record(thinking: string, signature?: string): Promise<void> {
    const text = thinking.trim();
    if (!text) return Promise.resolve();
    if (signature) this.verdicts.set(signature, true);
    const write = this.store.set('thinking', sha256Hex(text), '1', this.ttlSeconds).catch((err: unknown) => this.onError('thinking_record', err));
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
    return write;
  }

  /** Resolves once every record started so far is written (or failed). */
  async settled(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing);
  }

  /**
   * For each hash, whether it was recorded; undefined when the store failed (callers fail open: the blocks
   * stay as they are, and no verdict is cached, so they are checked again once the store is back).
   */
  async recorded(hashes: string[]): Promise<boolean[] | undefined> {
    if (hashes.length === 0) return [];
    try {
      return await this.store.hasMany('thinking', hashes);
    } catch (err) {
      this.onError('thinking_lookup', err);
      return undefined;
    }
  }
}
