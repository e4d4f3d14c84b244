/**
 * The Redis state store (ioredis): shared by every replica. Keys are `<prefix><namespace>:<key>`. The client
 * reconnects on its own; while it is not connected every call rejects at once (no offline queue), so the
 * request path can fail open or closed instead of waiting.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { StoreHealthSink } from './state-errors.js';
import type { RecordChange, RecordNamespace, StateNamespace, StateStore, StoredRecord } from './store.js';

/** Adds to a counter and sets its TTL (ms) only when the key has none yet (i.e. from its creation), atomically. */
const INCR_SCRIPT = `
local v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`;

/** A TTL in seconds as whole milliseconds (at least 1): durations such as `1500ms` keep their fraction. */
function ttlMs(ttlSeconds: number): number {
  return Math.max(1, Math.ceil(ttlSeconds * 1000));
}

/**
 * Applies a record change in one atomic step: HINCRBYFLOAT per number, HSET per string, a TTL from this
 * change, and the record's place in the namespace's index (a sorted set scored by change time, trimmed to
 * the TTL). KEYS: record, index. ARGV: ttl ms, now ms, record key, number of additions, then name/value
 * pairs (additions first, then strings).
 */
const RECORD_SCRIPT = `
local ttl = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local adds = tonumber(ARGV[4])
local i = 5
for _ = 1, adds do
  redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1`;

/** The index of a record namespace (record keys never hold `~`: see session-key.ts). */
const INDEX_SUFFIX = '~index';

/** How long a call made before the first connection waits for it (startup only). */
const FIRST_CONNECT_WAIT_MS = 2000;

/** Logs connection changes itself, for a store used without the gateway's StateErrors (tools, tests). */
function loggingSink(log: Logger): StoreHealthSink {
  return {
    unavailable: (reason) => log.warn('redis state store unavailable; reconnecting (requests fail open or closed per state.on_error)', { error: reason }),
    recovered: () => log.info('redis state store reconnected'),
  };
}

/** One per gateway. `healthy` is false while Redis is unreachable. */
export class RedisStore implements StateStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private everReady = false;
  private warnedDown = false;
  private closing = false;
  /** Settles at the first connection or after FIRST_CONNECT_WAIT_MS. */
  private readonly firstReady: Promise<void>;

  constructor(
    url: string,
    private readonly prefix: string,
    log: Logger,
    private readonly health: StoreHealthSink = loggingSink(log),
  ) {
    this.redis = new Redis(url, {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      maxRetriesPerRequest: 0,
      commandTimeout: 1000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    });
    this.redis.defineCommand('mmexecIncr', { numberOfKeys: 1, lua: INCR_SCRIPT });
    this.redis.defineCommand('mmexecRecord', { numberOfKeys: 2, lua: RECORD_SCRIPT });
    this.redis.on('ready', () => {
      if (this.everReady && this.warnedDown) this.health.recovered();
      this.everReady = true;
      this.warnedDown = false;
    });
    this.redis.on('close', () => this.down('connection closed'));
    this.redis.on('error', (err: Error) => this.down(err.message));
    this.firstReady = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, FIRST_CONNECT_WAIT_MS);
      t.unref();
      this.redis.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Reports the outage once (the client emits an error and a close per failed reconnect attempt). */
  private down(reason: string): void {
    if (this.warnedDown || this.closing) return;
    this.warnedDown = true;
    this.health.unavailable(reason);
  }

  /** True while the connection is ready. */
  get healthy(): boolean {
    return this.redis.status === 'ready';
  }

  /** Health for /healthz: `degraded` while Redis is unreachable. */
  status(): 'ok' | 'degraded' {
    return this.healthy ? 'ok' : 'degraded';
  }

  private k(ns: StateNamespace | RecordNamespace, key: string): string {
    return `${this.prefix}${ns}:${key}`;
  }

  /** The client when it is ready; waits briefly only before the very first connection. */
  private async ready(): Promise<Redis> {
    if (this.redis.status === 'ready') return this.redis;
    if (!this.everReady && this.redis.status !== 'end') {
      await this.firstReady;
      if ((this.redis.status as string) === 'ready') return this.redis;
    }
    throw new Error(`redis is not connected (${this.redis.status})`);
  }

  async get(ns: StateNamespace, key: string): Promise<string | undefined> {
    return (await (await this.ready()).get(this.k(ns, key))) ?? undefined;
  }

  async set(ns: StateNamespace, key: string, value: string, ttlSeconds = 0): Promise<void> {
    const r = await this.ready();
    if (ttlSeconds > 0) await r.set(this.k(ns, key), value, 'PX', ttlMs(ttlSeconds));
    else await r.set(this.k(ns, key), value);
  }

  async delete(ns: StateNamespace, key: string): Promise<void> {
    await (await this.ready()).del(this.k(ns, key));
  }

  async hasMany(ns: StateNamespace, keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const values = await (await this.ready()).mget(...keys.map((key) => this.k(ns, key)));
    return values.map((v) => v !== null);
  }

  async incrBy(ns: StateNamespace, key: string, amount: number, ttlSeconds: number): Promise<number> {
    const r = (await this.ready()) as Redis & { mmexecIncr(key: string, amount: string, ttl: number): Promise<string> };
    return Number(await r.mmexecIncr(this.k(ns, key), String(amount), ttlMs(ttlSeconds)));
  }

  async updateRecord(ns: RecordNamespace, key: string, change: RecordChange, ttlSeconds: number): Promise<void> {
    const r = (await this.ready()) as Redis & { mmexecRecord(...args: string[]): Promise<number> };
    const adds = Object.entries(change.add).filter(([, v]) => Number.isFinite(v));
    const pairs = [...adds, ...Object.entries(change.set)].flatMap(([k, v]) => [k, String(v)]);
    const ttl = String(ttlMs(ttlSeconds));
    await r.mmexecRecord(this.k(ns, key), this.k(ns, INDEX_SUFFIX), ttl, String(Date.now()), key, String(adds.length), ...pairs);
  }

  async getRecord(ns: RecordNamespace, key: string): Promise<Record<string, string> | undefined> {
    const fields = await (await this.ready()).hgetall(this.k(ns, key));
    return Object.keys(fields).length > 0 ? fields : undefined;
  }

  async recentRecords(ns: RecordNamespace, limit: number): Promise<StoredRecord[]> {
    const r = await this.ready();
    const keys = await r.zrevrange(this.k(ns, INDEX_SUFFIX), 0, Math.max(0, limit - 1));
    const all = await Promise.all(keys.map((key) => r.hgetall(this.k(ns, key))));
    return keys.flatMap((key, i) => (Object.keys(all[i]!).length > 0 ? [{ key, fields: all[i]! }] : []));
  }

  async countByValue(ns: StateNamespace): Promise<Record<string, number>> {
    const r = await this.ready();
    const counts: Record<string, number> = {};
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}${ns}:*`;
    for await (const batch of r.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
      if (batch.length === 0) continue;
      for (const v of await r.mget(...batch)) if (v !== null) counts[v] = (counts[v] ?? 0) + 1;
    }
    return counts;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.redis.removeAllListeners('error');
    this.redis.on('error', () => {});
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
