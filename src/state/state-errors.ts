/**
 * State store failures on the request path: every failure is counted in mmexec_state_errors_total, but an
 * outage (failures until a call succeeds again, or a store reporting itself unreachable until it reconnects)
 * logs one warning when it starts and one info line, with the failures per operation, when it ends.
 */
import type { Logger } from '../log.js';
import type { MetricsRecorder, StateOperation } from '../metrics/types.js';
import type { StateNamespace, StateStore } from './store.js';

/** What a store reports about its own connection (the Redis store: lost, back). */
export interface StoreHealthSink {
  unavailable(reason: string): void;
  recovered(): void;
}

/** One per gateway. */
export class StateErrors implements StoreHealthSink {
  private announced = false;
  private failures: Partial<Record<StateOperation, number>> = {};

  constructor(
    private recorder: MetricsRecorder,
    private readonly log: Logger,
  ) {}

  /** Counts from now on with the recorder of the plan just swapped in. */
  useRecorder(recorder: MetricsRecorder): void {
    this.recorder = recorder;
  }

  /** A store call failed: counted; logged when it is the first sign of an outage. */
  failed(op: StateOperation, err: unknown, fields: Record<string, unknown> = {}): void {
    this.recorder.stateError(op);
    this.failures[op] = (this.failures[op] ?? 0) + 1;
    this.announce({ op, error: (err as Error)?.message ?? String(err), ...fields });
  }

  /** The store noticed on its own that its backend is unreachable. */
  unavailable(reason: string): void {
    this.announce({ error: reason });
  }

  /** A call succeeded or the store reconnected: ends the outage, if there was one. */
  recovered(): void {
    if (!this.announced) return;
    this.log.info('state store available again', { failures: this.failures });
    this.announced = false;
    this.failures = {};
  }

  private announce(fields: Record<string, unknown>): void {
    if (this.announced) return;
    this.announced = true;
    this.log.warn(
      'state store unavailable; requests fail open or closed per state.on_error, and further failures are only counted (mmexec_state_errors_total) until it recovers',
      fields,
    );
  }
}

/** Wraps a store so that every call that resolves reports a recovery to `errors` (one check when healthy). */
export class ObservedStore implements StateStore {
  readonly kind: StateStore['kind'];
  readonly countByValue?: StateStore['countByValue'];
  readonly status?: StateStore['status'];
  readonly updateRecord?: StateStore['updateRecord'];
  readonly getRecord?: StateStore['getRecord'];
  readonly recentRecords?: StateStore['recentRecords'];

  constructor(
    readonly inner: StateStore,
    private readonly errors: StateErrors,
  ) {
    this.kind = inner.kind;
    if (inner.countByValue) this.countByValue = (ns) => this.ok(inner.countByValue!(ns));
    if (inner.status) this.status = () => inner.status!();
    if (inner.updateRecord) this.updateRecord = (ns, key, change, ttl) => this.ok(inner.updateRecord!(ns, key, change, ttl));
    if (inner.getRecord) this.getRecord = (ns, key) => this.ok(inner.getRecord!(ns, key));
    if (inner.recentRecords) this.recentRecords = (ns, limit) => this.ok(inner.recentRecords!(ns, limit));
  }

  private async ok<T>(call: Promise<T>): Promise<T> {
    const v = await call;
    this.errors.recovered();
    return v;
  }

  get(ns: StateNamespace, key: string): Promise<string | undefined> {
    return this.ok(this.inner.get(ns, key));
  }
  set(ns: StateNamespace, key: string, value: string, ttlSeconds?: number): Promise<void> {
    return this.ok(this.inner.set(ns, key, value, ttlSeconds));
  }
  delete(ns: StateNamespace, key: string): Promise<void> {
    return this.ok(this.inner.delete(ns, key));
  }
  hasMany(ns: StateNamespace, keys: readonly string[]): Promise<boolean[]> {
    return this.ok(this.inner.hasMany(ns, keys));
  }
  incrBy(ns: StateNamespace, key: string, amount: number, ttlSeconds: number): Promise<number> {
    return this.ok(this.inner.incrBy(ns, key, amount, ttlSeconds));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
