/**
 * The per-session ledger in the state store (shared by replicas on Redis): one record per session in
 * `ledger:session`, kept for state.ledger_ttl after its last request, and one record of totals per UTC day
 * in `ledger:day`. Updated once per finished request, off the client's path; a store failure is counted and
 * logged once per outage (StateErrors) and never fails the request.
 */
import type { StateErrors } from '../state/state-errors.js';
import type { RecordChange, RecordNamespace, StateStore } from '../state/store.js';
import { clientCostField, dayChange, dayKey, sessionChange, type LedgerEntry } from './ledger-entry.js';
import { sessionView, type SessionView } from './session-view.js';

/** A day's totals over every replica. */
export interface DayTotals {
  date: string;
  requests: number;
  cost_usd: number;
  saved_usd: number;
  /** Spend per client name (only clients that made a priced request that day). */
  client_cost_usd: Record<string, number>;
}

/** Day records outlive the day a little, for a page opened just after midnight. */
const DAY_TTL_SECONDS = 8 * 86_400;

/** How long a change waits in memory before it is written. Other replicas see it this much later at most. */
export const FLUSH_MS = 100;

/** The merged changes waiting for one record. */
interface PendingRecord {
  readonly ns: RecordNamespace;
  readonly key: string;
  readonly change: RecordChange;
  ttlSeconds: number;
}

/** Adds `next` to `into`: counters summed, strings set (the ledger never adds to a field it sets). */
function mergeChange(into: RecordChange, next: RecordChange): void {
  const add = into.add as Record<string, number>;
  for (const [name, amount] of Object.entries(next.add)) if (Number.isFinite(amount)) add[name] = (add[name] ?? 0) + amount;
  Object.assign(into.set, next.set);
}

const usd = (v: string | undefined): number => Number((Number(v) || 0).toFixed(6));

/** One per gateway. */
export class SessionLedger {
  /** Per record (`<namespace> <key>`): the changes not yet written. */
  private pending = new Map<string, PendingRecord>();
  private timer: NodeJS.Timeout | undefined;
  /** Settles when the pending changes are written (created with the first of them). */
  private nextWrite: { promise: Promise<void>; resolve(): void } | undefined;
  /** The writes in progress; each flush starts after the previous one ends, so records change in order. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    private readonly errors: StateErrors,
    /** The TTL of session records, read at each update (a reload may change it). */
    private readonly ttlSeconds: () => number,
  ) {}

  /** Whether the store keeps records (every bundled store does). */
  get available(): boolean {
    return typeof this.store.updateRecord === 'function';
  }

  /**
   * Adds a finished request to its session's record and to the day's totals. Resolves once the change is
   * written (within FLUSH_MS); never rejects.
   */
  record(e: LedgerEntry): Promise<void> {
    if (!this.available) return Promise.resolve();
    if (e.session) this.queue('ledger:session', e.session, sessionChange(e), this.ttlSeconds());
    this.queue('ledger:day', dayKey(e.at), dayChange(e), DAY_TTL_SECONDS);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    if (!this.nextWrite) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.nextWrite = { promise, resolve };
    }
    return this.nextWrite.promise;
  }

  private queue(ns: RecordNamespace, key: string, change: RecordChange, ttlSeconds: number): void {
    const id = `${ns} ${key}`;
    const waiting = this.pending.get(id);
    if (!waiting) {
      this.pending.set(id, { ns, key, change: { add: { ...change.add }, set: { ...change.set } }, ttlSeconds });
      return;
    }
    mergeChange(waiting.change, change);
    waiting.ttlSeconds = ttlSeconds;
  }

  /** Writes every waiting change now (reads, shutdown). Resolves once they are written or failed; never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    const done = this.nextWrite;
    this.pending = new Map();
    this.nextWrite = undefined;
    this.writing = this.writing.then(async () => {
      if (batch.length > 0) await this.write(batch);
      done?.resolve();
    });
    return this.writing;
  }

  private async write(batch: readonly PendingRecord[]): Promise<void> {
    try {
      await Promise.all(batch.map((r) => this.store.updateRecord!(r.ns, r.key, r.change, r.ttlSeconds)));
    } catch (err) {
      const sessions = batch.filter((r) => r.ns === 'ledger:session').map((r) => r.key);
      this.errors.failed('ledger_update', err, { session: sessions.join(',') || undefined, effect: 'session ledger not updated' });
    }
  }

  /** A session's ledger, or undefined when the store has no record of it. Rejects when the store fails. */
  async get(session: string): Promise<SessionView | undefined> {
    await this.flush();
    const fields = await this.store.getRecord?.('ledger:session', session);
    return fields && sessionView(session, fields);
  }

  /** The sessions with the most recent requests, newest first. Rejects when the store fails. */
  async recent(limit: number): Promise<SessionView[]> {
    await this.flush();
    const records = (await this.store.recentRecords?.('ledger:session', limit)) ?? [];
    return records.map((r) => sessionView(r.key, r.fields));
  }

  /** The totals of the UTC day holding `at`. Rejects when the store fails. */
  async day(at: Date): Promise<DayTotals> {
    await this.flush();
    const date = dayKey(at);
    const f = (await this.store.getRecord?.('ledger:day', date)) ?? {};
    const prefix = clientCostField('');
    const clients: Record<string, number> = {};
    for (const [k, v] of Object.entries(f)) if (k.startsWith(prefix)) clients[k.slice(prefix.length)] = usd(v);
    return { date, requests: Number(f.requests) || 0, cost_usd: usd(f.cost_usd), saved_usd: usd(f.saved_usd), client_cost_usd: clients };
  }
}
