/**
 * Builds a prom-client registry and the MetricsRecorder the request path calls.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { registerBudgetGauge, type BudgetSource } from './budget-gauge.js';
import { TOKEN_TYPES, requestCost, tokensByType } from './cost.js';
import { createInstruments, type Instruments } from './instruments.js';
import { LabelLimiter, sanitizeLabel } from './labels.js';
import type { PriceTable } from './prices.js';
import { STATE_OPERATIONS, UPSTREAM_ERROR_KINDS, type KnownLabels, type MetricsRecorder, type RequestRecord, type StateOperation, type UpstreamErrorKind } from './types.js';

/** Where the metrics layer reports problems (an unpriced model, an internal failure). */
export interface MetricsLogger {
  warn(msg: string, meta?: object): void;
}

/** Options of createMetrics; only `version` and `prices` are required. */
export interface MetricsOptions {
  version: string;
  prices: PriceTable;
  /** Adds a `client` label to the request, token, cost and savings families. */
  clientLabel?: boolean;
  logger?: MetricsLogger;
  /** Distinct model names (served and requested together) before new ones become `other`; default 100. */
  maxModels?: number;
  /** Registers prom-client's process and Node.js metrics; default true. */
  defaultMetrics?: boolean;
  /** Read at each scrape for mmexec_budget_remaining_usd (default: no clients). */
  budgetRemaining?: BudgetSource;
}

/** What a recorder takes from a plan: rebuilt with it on every reload. */
export type PlanMetricsOptions = Pick<MetricsOptions, 'prices' | 'clientLabel'>;

/** A registry to serve on /metrics and the recorder that feeds it. */
export interface Metrics {
  registry: Registry;
  recorder: MetricsRecorder;
  /**
   * A recorder for a new plan, on the same registry. The instruments are kept unless the client label comes
   * or goes, which re-creates them (their series restart from zero, as after a restart).
   */
  recorderFor(plan: PlanMetricsOptions): MetricsRecorder;
}

const DEFAULT_MAX_MODELS = 100;
const MAX_OTHER_LABELS = 100;
const MAX_WARNED = 1000;

/**
 * Creates a fresh registry (never the global one, so many gateways can live in one process) and its recorder.
 * Savings: when the served model differs from the requested one and both are priced, the request adds
 * max(0, cost at the requested model's price − actual cost) to mmexec_savings_usd_total. A counter cannot
 * go down, so a request served by a pricier model adds 0 there; its full cost still shows in
 * mmexec_cost_usd_total. `requestFinished` returns the same clamped value it recorded.
 */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // prom-client names these gauges with a `_total` suffix, which promtool's linter rejects.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  let clientLabel = opts.clientLabel === true;
  let m = createInstruments(registry, clientLabel);
  registerBudgetGauge(registry, opts.budgetRemaining ?? (async () => []));
  m.buildInfo.set({ version: sanitizeLabel(opts.version) }, 1);
  const recorderFor = (plan: PlanMetricsOptions): MetricsRecorder => {
    if ((plan.clientLabel === true) !== clientLabel) {
      clientLabel = plan.clientLabel === true;
      for (const metric of Object.values(m)) registry.removeSingleMetric((metric as { name: string }).name);
      m = createInstruments(registry, clientLabel);
      m.buildInfo.set({ version: sanitizeLabel(opts.version) }, 1);
    }
    return new PromRecorder(m, { ...opts, ...plan });
  };
  return { registry, recorder: new PromRecorder(m, opts), recorderFor };
}

/** Renders the registry in the Prometheus text format, with the content type to send it with. */
export async function renderMetrics(registry: Registry): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

function validSeconds(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 999 ? String(status) : '0';
}

class PromRecorder implements MetricsRecorder {
  private readonly models: LabelLimiter;
  private readonly routes = new LabelLimiter(MAX_OTHER_LABELS);
  private readonly upstreams = new LabelLimiter(MAX_OTHER_LABELS);
  private readonly clients = new LabelLimiter(MAX_OTHER_LABELS);
  private readonly operations = new LabelLimiter(MAX_OTHER_LABELS);
  private readonly warned = new Set<string>();

  constructor(
    private readonly m: Instruments,
    private readonly opts: MetricsOptions,
  ) {
    this.models = new LabelLimiter(opts.maxModels ?? DEFAULT_MAX_MODELS);
  }

  requestFinished(r: RequestRecord): { costUsd: number; savingsUsd: number } {
    try {
      const upstream = this.upstreams.get(r.upstream);
      const model = this.models.get(r.model);
      const client = this.opts.clientLabel ? { client: this.clients.get(r.client) } : {};
      const route = this.routes.get(r.route);
      this.m.requests.inc({ route, upstream, model, status: statusLabel(r.status), ...client });
      if (validSeconds(r.durationSeconds)) this.m.duration.observe({ route, upstream }, r.durationSeconds);
      if (validSeconds(r.ttfbSeconds)) this.m.ttfb.observe({ upstream }, r.ttfbSeconds);
      if (validSeconds(r.overheadSeconds)) this.m.overhead.observe(r.overheadSeconds);
      if (!r.usage) return { costUsd: 0, savingsUsd: 0 };

      const tokens = tokensByType(r.usage);
      for (const type of TOKEN_TYPES) {
        if (tokens[type] > 0) this.m.tokens.inc({ upstream, model, type, ...client }, tokens[type]);
      }
      const cost = r.cost ?? requestCost(r.usage, r.model, r.requestedModel, this.opts.prices);
      if (!cost.priced) this.unpriced(r.model, model);
      this.m.cost.inc({ upstream, model, ...client }, cost.costUsd);
      if (cost.cache.read > 0) this.m.cacheCost.inc({ upstream, operation: 'read' }, cost.cache.read);
      if (cost.cache.write > 0) this.m.cacheCost.inc({ upstream, operation: 'write' }, cost.cache.write);
      if (cost.savingsUsd !== undefined) {
        this.m.savings.inc({ upstream, model, requested_model: this.models.get(r.requestedModel), ...client }, cost.savingsUsd);
      }
      const { costUsd } = cost;
      const savingsUsd = cost.savingsUsd ?? 0;
      return { costUsd, savingsUsd };
    } catch (err) {
      this.failed('requestFinished', err);
      return { costUsd: 0, savingsUsd: 0 };
    }
  }

  upstreamError(upstream: string, kind: UpstreamErrorKind): void {
    this.guard('upstreamError', () =>
      this.m.upstreamErrors.inc({ upstream: this.upstreams.get(upstream), kind: sanitizeLabel(kind) }),
    );
  }

  routeSwitch(from: string, to: string): void {
    this.guard('routeSwitch', () =>
      this.m.routeSwitches.inc({ from: this.upstreams.get(from), to: this.upstreams.get(to) }),
    );
  }

  thinkingConverted(count: number): void {
    if (!(Number.isFinite(count) && count > 0)) return;
    this.guard('thinkingConverted', () => this.m.thinkingConverted.inc(count));
  }

  configReload(result: 'success' | 'failure'): void {
    this.guard('configReload', () =>
      this.m.configReloads.inc({ result: result === 'success' ? 'success' : 'failure' }),
    );
  }

  stateError(operation: StateOperation): void {
    this.guard('stateError', () => this.m.stateErrors.inc({ operation: this.operations.get(operation) }));
  }

  declareKnown(known: KnownLabels): void {
    this.guard('declareKnown', () => {
      for (const result of ['success', 'failure']) this.m.configReloads.inc({ result }, 0);
      for (const operation of STATE_OPERATIONS) this.m.stateErrors.inc({ operation: this.operations.get(operation) }, 0);
      for (const name of known.upstreams) {
        const upstream = this.upstreams.get(name);
        for (const kind of UPSTREAM_ERROR_KINDS) this.m.upstreamErrors.inc({ upstream, kind }, 0);
        for (const operation of ['read', 'write']) this.m.cacheCost.inc({ upstream, operation }, 0);
      }
      const states = ['none', ...new Set(known.stickyValues)];
      for (const from of states) {
        for (const to of states) if (from !== to) this.m.routeSwitches.inc({ from: this.upstreams.get(from), to: this.upstreams.get(to) }, 0);
      }
    });
  }

  stageFailed(stage: string): void {
    this.guard('stageFailed', () => this.m.stageErrors.inc({ stage: sanitizeLabel(stage) }));
  }

  jsonataAborted(reason: string): void {
    this.guard('jsonataAborted', () => this.m.jsonataAborted.inc({ reason: sanitizeLabel(reason) }));
  }

  private unpriced(raw: string, label: string): void {
    this.m.unpriced.inc({ model: label });
    const key = sanitizeLabel(raw);
    if (this.warned.has(key) || this.warned.size >= MAX_WARNED) return;
    this.warned.add(key);
    this.warn('no price for model; its cost is counted as 0 (add it under prices in the config)', { model: key });
  }

  private guard(method: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.failed(method, err);
    }
  }

  private failed(method: string, err: unknown): void {
    const key = `failed:${method}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(`metrics recorder ${method} failed; further failures are not logged`, {
      error: err instanceof Error ? err.message : String(err),
    });
  }

  private warn(msg: string, meta: object): void {
    try {
      this.opts.logger?.warn(msg, meta);
    } catch {
      // A broken logger must not break the request either.
    }
  }
}
