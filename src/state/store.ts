/**
 * The state interface: small string values under namespaced keys, each with an optional time to live.
 * Implementations: memory (tests, single process), file (laptop, survives restarts), redis (replicas).
 */

/** Namespaces used by the gateway. `sticky:*` hold routing state, `thinking` holds foreign thinking hashes. */
export type StateNamespace = 'sticky:session' | 'sticky:client' | 'sticky:global' | 'thinking' | 'budget';

/** Namespaces of records (small field maps): `ledger:session` per session, `ledger:day` per UTC day. */
export type RecordNamespace = 'ledger:session' | 'ledger:day';

/** A change to one record: numbers added to numeric fields, strings written over text fields. */
export interface RecordChange {
  readonly add: Readonly<Record<string, number>>;
  readonly set: Readonly<Record<string, string>>;
}

/** A record as stored: its key and its fields (numbers as decimal strings). */
export interface StoredRecord {
  key: string;
  fields: Record<string, string>;
}

/** A key/value store with TTLs. Every method may reject when the backing service is down. */
export interface StateStore {
  /** Store kind, for logs and /healthz. */
  readonly kind: 'memory' | 'file' | 'redis';
  /** The value, or undefined when unset or expired. */
  get(ns: StateNamespace, key: string): Promise<string | undefined>;
  /** Sets a value; ttlSeconds 0 or absent keeps it until deleted. */
  set(ns: StateNamespace, key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Removes a value (no error when absent). */
  delete(ns: StateNamespace, key: string): Promise<void>;
  /** For each key, whether it is set; one round trip where the backend allows. */
  hasMany(ns: StateNamespace, keys: readonly string[]): Promise<boolean[]>;
  /**
   * Atomically adds `amount` to a numeric counter and returns the new total; the counter expires after
   * ttlSeconds from its creation.
   */
  incrBy(ns: StateNamespace, key: string, amount: number, ttlSeconds: number): Promise<number>;
  /** Counts live keys in a namespace whose value equals `value` (for status pages; may be approximate). */
  countByValue?(ns: StateNamespace): Promise<Record<string, number>>;
  /**
   * Applies a change to a record as one atomic step (concurrent changes, from any replica, all count) and
   * keeps the record for ttlSeconds after this change.
   */
  updateRecord?(ns: RecordNamespace, key: string, change: RecordChange, ttlSeconds: number): Promise<void>;
  /** A record's fields, or undefined when unset or expired. */
  getRecord?(ns: RecordNamespace, key: string): Promise<Record<string, string> | undefined>;
  /** Up to `limit` live records, the most recently changed first. */
  recentRecords?(ns: RecordNamespace, limit: number): Promise<StoredRecord[]>;
  /** Health for /healthz: `degraded` while the backing service is unreachable (absent = always ok). */
  status?(): 'ok' | 'degraded';
  /** Releases connections and timers. */
  close(): Promise<void>;
}
