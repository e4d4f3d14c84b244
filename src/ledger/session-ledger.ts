/**
 * The per-session ledger in the state store (shared by replicas on Redis): one record per session in
 * `ledger:session`, kept for state.ledger_ttl after its last request, and one record of totals per UTC day
 * in `ledger:day`. Updated once per finished request, off the client's path; a store failure is counted and
 * logged once per outage (StateErrors) and never fails the request.
 */
import type { StateErrors } from '../state/state-errors.js';
import type { StateStore } from '../state/store.js';
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

const usd = (v: string | undefined): number => Number((Number(v) || 0).toFixed(6));

/** One per gateway. */
export class SessionLedger {
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

  /** Adds a finished request to its session's record and to the day's totals. Never rejects. */
  async record(e: LedgerEntry): Promise<void> {
    const update = this.store.updateRecord?.bind(this.store);
    if (!update) return;
    try {
      await Promise.all([
        e.session ? update('ledger:session', e.session, sessionChange(e), this.ttlSeconds()) : undefined,
        update('ledger:day', dayKey(e.at), dayChange(e), DAY_TTL_SECONDS),
      ]);
    } catch (err) {
      this.errors.failed('ledger_update', err, { session: e.session, effect: 'session ledger not updated' });
    }
  }

  /** A session's ledger, or undefined when the store has no record of it. Rejects when the store fails. */
  async get(session: string): Promise<SessionView | undefined> {
    const fields = await this.store.getRecord?.('ledger:session', session);
    return fields && sessionView(session, fields);
  }

  /** The sessions with the most recent requests, newest first. Rejects when the store fails. */
  async recent(limit: number): Promise<SessionView[]> {
    const records = (await this.store.recentRecords?.('ledger:session', limit)) ?? [];
    return records.map((r) => sessionView(r.key, r.fields));
  }

  /** The totals of the UTC day holding `at`. Rejects when the store fails. */
  async day(at: Date): Promise<DayTotals> {
    const date = dayKey(at);
    const f = (await this.store.getRecord?.('ledger:day', date)) ?? {};
    const prefix = clientCostField('');
    const clients: Record<string, number> = {};
    for (const [k, v] of Object.entries(f)) if (k.startsWith(prefix)) clients[k.slice(prefix.length)] = usd(v);
    return { date, requests: Number(f.requests) || 0, cost_usd: usd(f.cost_usd), saved_usd: usd(f.saved_usd), client_cost_usd: clients };
  }
}
