/**
 * The contract between the request path and metrics: request code reports facts to a MetricsRecorder and
 * never touches prom-client instruments directly.
 */

/** A request's cost, computed once (see `requestCost`) and reused by metrics, budgets and the log line. */
export interface RequestCost {
  /** USD at the served model's price; 0 when it has none. */
  readonly costUsd: number;
  /** max(0, cost at the requested model's price − costUsd) when the models differ and both are priced; else undefined. */
  readonly savingsUsd: number | undefined;
  /** False when the served model has no price (its cost counts as 0). */
  readonly priced: boolean;
  /** The parts of costUsd paid for cache reads and cache writes. */
  readonly cache: { readonly read: number; readonly write: number };
}

/** Token usage as Anthropic reports it (MiniMax uses the same shape). All counts are non-negative integers. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** The split of cache writes by TTL, when the upstream reports it. */
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** What the request path knows about one finished request. */
export interface RequestRecord {
  /** Route name from the rule file (bounded). */
  route: string;
  /** Upstream name from the rule file, or `local` for a local reply, `none` when no upstream was reached. */
  upstream: string;
  /** Model the upstream actually served (from the response), else the model sent upstream, else `unknown`. */
  model: string;
  /** Model the client asked for, else `unknown`. */
  requestedModel: string;
  /** Configured client name, when clients are configured. */
  client?: string;
  /** HTTP status sent to the client. */
  status: number;
  /** From request start to the last byte sent to the client. */
  durationSeconds: number;
  /** From request start to the first upstream response byte, when an upstream answered. */
  ttfbSeconds?: number;
  /** Gateway's own time from the end of the client request to the upstream send. */
  overheadSeconds?: number;
  /** Usage seen in the response (stream or JSON), when any. */
  usage?: Usage;
  /** The request's cost at the prices of the plan it ran on; computed from the recorder's prices when absent. */
  cost?: RequestCost;
}

/** Kinds of upstream failure counted in mmexec_upstream_errors_total (each is zero from start, per upstream). */
export const UPSTREAM_ERROR_KINDS = ['connect', 'first_byte_timeout', 'idle_timeout', 'reset', 'stream_broken', 'http_5xx', 'missing_key'] as const;

/** One kind of upstream failure. */
export type UpstreamErrorKind = (typeof UPSTREAM_ERROR_KINDS)[number];

/** Operations of the state store counted in mmexec_state_errors_total when they fail. */
export const STATE_OPERATIONS = ['sticky_get', 'sticky_set', 'thinking_record', 'thinking_lookup', 'budget_get', 'budget_incr', 'ledger_update'] as const;

/** One state store operation. */
export type StateOperation = (typeof STATE_OPERATIONS)[number];

/** Label values a configuration makes known before any request, so their series start at 0. */
export interface KnownLabels {
  /** The configured upstream names. */
  upstreams: readonly string[];
  /** Values the routes' sticky actions set (switches go between these and `none`). */
  stickyValues: readonly string[];
}

/** The recorder the request path calls. Every method is cheap and never throws. */
export interface MetricsRecorder {
  /** One call per finished request (including local replies and gateway errors). Returns the cost in USD. */
  requestFinished(r: RequestRecord): { costUsd: number; savingsUsd: number };
  upstreamError(upstream: string, kind: UpstreamErrorKind): void;
  /** A sticky state change (from/to are upstream names or `none`). */
  routeSwitch(from: string, to: string): void;
  thinkingConverted(count: number): void;
  configReload(result: 'success' | 'failure'): void;
  stateError(operation: StateOperation): void;
  /** Creates the zero-valued series of the label sets a configuration knows (at start and on each reload). */
  declareKnown(known: KnownLabels): void;
  /** A JSONata evaluation stopped by a limit (timeout, depth, sequence, memory, busy or crash). */
  jsonataAborted(reason: string): void;
  /** A pipeline stage threw (its response ended with an error). */
  stageFailed(stage: string): void;
}

/** A recorder that records nothing (tools such as `mmexec explain`). */
export const NULL_RECORDER: MetricsRecorder = {
  requestFinished: () => ({ costUsd: 0, savingsUsd: 0 }),
  upstreamError: () => {},
  routeSwitch: () => {},
  thinkingConverted: () => {},
  configReload: () => {},
  stateError: () => {},
  declareKnown: () => {},
  jsonataAborted: () => {},
  stageFailed: () => {},
};
