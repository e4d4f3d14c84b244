/** The long-lived gateway: the current plan (swapped whole on reload), services, metrics, in-flight requests. */
import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { RecentRequests } from '../ledger/recent-requests.js';
import { SessionLedger } from '../ledger/session-ledger.js';
import type { Logger } from '../log.js';
import { knownLabels } from '../metrics/known-labels.js';
import type { Services } from '../pipeline/context.js';
import type { Plan } from '../plan/types.js';

/** The outcome of the last configuration reload, for /ui. */
export interface ReloadResult {
  at: string;
  ok: boolean;
  /** Why it failed (the previous configuration kept serving). */
  error?: string;
}

/** One per process (or per test). */
export class Gateway {
  /** Requests read this once when they start, so a reload never changes a request in flight. */
  plan: Plan;
  draining = false;
  readonly inflight = new Set<ServerResponse>();
  readonly startedAt = Date.now();
  /** Per-session ledger in the state store (GET /sessions). */
  readonly ledger: SessionLedger;
  /** The last requests of this process (for /ui). */
  readonly recent = new RecentRequests();
  lastReload: ReloadResult | undefined;

  constructor(
    plan: Plan,
    readonly services: Services,
    readonly registry: Registry,
    readonly version: string,
  ) {
    this.plan = plan;
    this.ledger = new SessionLedger(services.store, services.stateErrors, () => this.plan.state.ledgerTtlSeconds);
    services.recorder.declareKnown(knownLabels(plan));
  }

  get log(): Logger {
    return this.services.log;
  }

  /** Swaps in a new plan; requests already running keep the one they started with. */
  swap(plan: Plan): void {
    this.plan = plan;
    this.services.recorder.declareKnown(knownLabels(plan));
  }
}
