/** The long-lived gateway: the current runtime (plan and what is built from it, swapped whole on reload), metrics, in-flight requests. */
import type { ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { RecentRequests } from '../ledger/recent-requests.js';
import { SessionLedger } from '../ledger/session-ledger.js';
import type { Logger } from '../log.js';
import { knownLabels } from '../metrics/known-labels.js';
import type { Metrics } from '../metrics/registry.js';
import type { RequestContext, Services } from '../pipeline/context.js';
import type { Plan } from '../plan/types.js';
import type { Runtime } from './runtime.js';

/** The outcome of the last configuration reload, for /ui. */
export interface ReloadResult {
  at: string;
  ok: boolean;
  /** Why it failed (the previous configuration kept serving). */
  error?: string;
}

/** One per process (or per test). */
export class Gateway {
  private current: Runtime;
  draining = false;
  /** Responses in flight, with their request's context once it exists (a drain cuts their streams). */
  readonly inflight = new Map<ServerResponse, RequestContext | undefined>();
  readonly startedAt = Date.now();
  /** Per-session ledger in the state store (GET /sessions). */
  readonly ledger: SessionLedger;
  /** The last requests of this process (for /ui). */
  readonly recent = new RecentRequests();
  lastReload: ReloadResult | undefined;

  constructor(
    runtime: Runtime,
    readonly metrics: Metrics,
    readonly version: string,
  ) {
    this.current = runtime;
    this.ledger = new SessionLedger(runtime.services.store, runtime.services.stateErrors, () => this.plan.state.ledgerTtlSeconds);
    runtime.services.recorder.declareKnown(knownLabels(runtime.plan));
  }

  /** The plan serving new requests. */
  get plan(): Plan {
    return this.current.plan;
  }

  /** The services of the current runtime. */
  get services(): Services {
    return this.current.services;
  }

  get registry(): Registry {
    return this.metrics.registry;
  }

  get log(): Logger {
    return this.current.services.log;
  }

  /** The runtime a starting request runs on; the request must call `leave()` on it when it is over. */
  enter(): Runtime {
    return this.current.enter();
  }

  /** Swaps in a new runtime; requests already running keep the one they started with, whose agents close once they end. */
  swap(next: Runtime): void {
    const old = this.current;
    this.current = next;
    next.services.stateErrors.useRecorder(next.services.recorder);
    next.services.recorder.declareKnown(knownLabels(next.plan));
    old.retire();
  }

  /** Retires the current runtime (at shutdown): its agents close once its requests end. */
  close(): void {
    this.current.retire();
  }
}
