/** An in-memory state store: fast, lost on restart, one process only. */
import { applyChange } from './record-change.js';
import type { RecordChange, RecordNamespace, StateNamespace, StateStore, StoredRecord } from './store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Expired entries are dropped when read and by a periodic sweep. */
export class MemoryStore implements StateStore {
  readonly kind = 'memory' as const;
  private readonly data = new Map<string, Entry>();
  /** Records per namespace; a Map keeps insertion order, and a change moves its record to the end. */
  private readonly records = new Map<RecordNamespace, Map<string, { fields: Record<string, string>; expiresAt: number }>>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweep = setInterval(() => this.purge(), 60_000);
    this.sweep.unref();
  }

  private key(ns: StateNamespace, key: string): string {
    return `${ns}\u0000${key}`;
  }

  private live(k: string): Entry | undefined {
    const e = this.data.get(k);
    if (e && e.expiresAt <= this.now()) {
      this.data.delete(k);
      return undefined;
    }
    return e;
  }

  async get(ns: StateNamespace, key: string): Promise<string | undefined> {
    return this.live(this.key(ns, key))?.value;
  }

  async set(ns: StateNamespace, key: string, value: string, ttlSeconds = 0): Promise<void> {
    this.data.set(this.key(ns, key), { value, expiresAt: ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : Infinity });
  }

  async delete(ns: StateNamespace, key: string): Promise<void> {
    this.data.delete(this.key(ns, key));
  }

  async hasMany(ns: StateNamespace, keys: readonly string[]): Promise<boolean[]> {
    return keys.map((k) => this.live(this.key(ns, k)) !== undefined);
  }

  async incrBy(ns: StateNamespace, key: string, amount: number, ttlSeconds: number): Promise<number> {
    const k = this.key(ns, key);
    const e = this.live(k);
    const value = (e ? Number(e.value) : 0) + amount;
    this.data.set(k, { value: String(value), expiresAt: e?.expiresAt ?? this.now() + ttlSeconds * 1000 });
    return value;
  }

  async countByValue(ns: StateNamespace): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const prefix = `${ns}\u0000`;
    for (const k of this.data.keys()) {
      if (!k.startsWith(prefix)) continue;
      const e = this.live(k);
      if (e) counts[e.value] = (counts[e.value] ?? 0) + 1;
    }
    return counts;
  }

  private recordsOf(ns: RecordNamespace): Map<string, { fields: Record<string, string>; expiresAt: number }> {
    let m = this.records.get(ns);
    if (!m) this.records.set(ns, (m = new Map()));
    return m;
  }

  private liveRecord(ns: RecordNamespace, key: string): Record<string, string> | undefined {
    const m = this.recordsOf(ns);
    const r = m.get(key);
    if (r && r.expiresAt <= this.now()) m.delete(key);
    else return r?.fields;
    return undefined;
  }

  async updateRecord(ns: RecordNamespace, key: string, change: RecordChange, ttlSeconds: number): Promise<void> {
    const m = this.recordsOf(ns);
    const fields = applyChange(this.liveRecord(ns, key) ?? {}, change);
    m.delete(key);
    m.set(key, { fields, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async getRecord(ns: RecordNamespace, key: string): Promise<Record<string, string> | undefined> {
    const fields = this.liveRecord(ns, key);
    return fields && { ...fields };
  }

  async recentRecords(ns: RecordNamespace, limit: number): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    const keys = [...this.recordsOf(ns).keys()];
    for (let i = keys.length - 1; i >= 0 && out.length < limit; i--) {
      const fields = this.liveRecord(ns, keys[i]!);
      if (fields) out.push({ key: keys[i]!, fields: { ...fields } });
    }
    return out;
  }

  private purge(): void {
    for (const k of this.data.keys()) this.live(k);
    for (const [ns, m] of this.records) for (const k of m.keys()) this.liveRecord(ns, k);
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
  }
}
