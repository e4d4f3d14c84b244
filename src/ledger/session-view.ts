/**
 * What GET /sessions/<id> answers: one session's ledger as a fixed JSON shape that `mmexec status
 * --session` and status lines read. Keep the shape stable: fields are only ever added.
 */

/** The last failure a session saw. */
export interface SessionError {
  status: number;
  /** Anthropic error type, e.g. `rate_limit_error`. */
  type: string;
  /** ISO time. */
  at: string;
}

/** One session's ledger. `route`, `upstream`, `provider` are `none` and `model` is `unknown` until a request was forwarded. */
export interface SessionView {
  session: string;
  route: string;
  upstream: string;
  provider: string;
  /** The model that last answered. */
  model: string;
  requests: number;
  tokens: { input: number; output: number; cache_read: number; cache_write: number };
  cost_usd: number;
  /** Cost at the requested model's price minus the real cost, summed over requests where it was positive. */
  saved_usd: number;
  /** cache_read / (input + cache_read + cache_write); 0 before any input. */
  cache_read_ratio: number;
  last_error: SessionError | null;
  updated_at: string;
}

/** Field names of a session record in the `ledger:session` namespace. */
export const FIELD = {
  requests: 'requests',
  input: 'input',
  output: 'output',
  cacheRead: 'cache_read',
  cacheWrite: 'cache_write',
  cost: 'cost_usd',
  saved: 'saved_usd',
  route: 'route',
  upstream: 'upstream',
  provider: 'provider',
  model: 'model',
  errorStatus: 'error_status',
  errorType: 'error_type',
  errorAt: 'error_at',
  updatedAt: 'updated_at',
} as const;

const num = (v: string | undefined): number => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : 0;
};
const round = (n: number, places: number): number => Number(n.toFixed(places));

/** Reads a stored session record into the view. */
export function sessionView(session: string, f: Readonly<Record<string, string>>): SessionView {
  const input = num(f[FIELD.input]);
  const cacheRead = num(f[FIELD.cacheRead]);
  const cacheWrite = num(f[FIELD.cacheWrite]);
  const prompt = input + cacheRead + cacheWrite;
  const errorStatus = num(f[FIELD.errorStatus]);
  return {
    session,
    route: f[FIELD.route] || 'none',
    upstream: f[FIELD.upstream] || 'none',
    provider: f[FIELD.provider] || 'none',
    model: f[FIELD.model] || 'unknown',
    requests: num(f[FIELD.requests]),
    tokens: { input, output: num(f[FIELD.output]), cache_read: cacheRead, cache_write: cacheWrite },
    cost_usd: round(num(f[FIELD.cost]), 6),
    saved_usd: round(num(f[FIELD.saved]), 6),
    cache_read_ratio: prompt > 0 ? round(cacheRead / prompt, 4) : 0,
    last_error: errorStatus > 0 ? { status: errorStatus, type: f[FIELD.errorType] || 'api_error', at: f[FIELD.errorAt] ?? '' } : null,
    updated_at: f[FIELD.updatedAt] ?? '',
  };
}
