/**
 * What the ledger keeps of one finished request, and the record changes it makes: one to the session's
 * record, one to the day's totals. Pure: the cost and savings come from the metrics recorder (the price
 * table of the plan), never recomputed here.
 */
import type { TokensByType } from '../metrics/cost.js';
import type { RecordChange } from '../state/store.js';
import { FIELD } from './session-view.js';

/** One finished request as the ledger sees it. Created per request; never shared. */
export interface LedgerEntry {
  session: string | undefined;
  client: string | undefined;
  route: string;
  /** Upstream name, `local` for a local reply, `none` when nothing was reached. */
  upstream: string;
  provider: string;
  model: string;
  /** True when an upstream was asked (route, upstream and provider become the session's current ones). */
  forwarded: boolean;
  status: number;
  /** Anthropic error type of a failure the gateway made itself; other failures are typed by status. */
  errorType: string | undefined;
  /** A 4xx/5xx status, or a stream that broke or went idle after a 200. */
  failed: boolean;
  tokens: TokensByType;
  costUsd: number;
  savedUsd: number;
  at: Date;
}

/** Anthropic's error type for a status (https://docs.anthropic.com/en/api/errors). */
export function errorTypeOf(status: number): string {
  const known: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    402: 'billing_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    504: 'timeout_error',
    529: 'overloaded_error',
  };
  return known[status] ?? (status >= 500 || status < 400 ? 'api_error' : 'invalid_request_error');
}

const positive = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

/** The change to the session's record. */
export function sessionChange(e: LedgerEntry): RecordChange {
  const at = e.at.toISOString();
  const set: Record<string, string> = { [FIELD.updatedAt]: at };
  if (e.forwarded) Object.assign(set, { [FIELD.route]: e.route, [FIELD.upstream]: e.upstream, [FIELD.provider]: e.provider });
  if (e.forwarded && !e.failed && e.model !== 'unknown') set[FIELD.model] = e.model;
  if (e.failed) Object.assign(set, { [FIELD.errorStatus]: String(e.status), [FIELD.errorType]: e.errorType ?? errorTypeOf(e.status), [FIELD.errorAt]: at });
  const t = e.tokens;
  return {
    add: {
      [FIELD.requests]: 1,
      [FIELD.input]: t.input,
      [FIELD.output]: t.output,
      [FIELD.cacheRead]: t.cache_read,
      [FIELD.cacheWrite]: t.cache_write_5m + t.cache_write_1h,
      [FIELD.cost]: positive(e.costUsd),
      [FIELD.saved]: positive(e.savedUsd),
    },
    set,
  };
}

/** Key of the day's totals record: the UTC date. */
export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Field of a client's spend in the day's totals. */
export const clientCostField = (client: string): string => `cost_usd@${client}`;

/** The change to the day's totals: requests, cost and savings, and the client's spend. */
export function dayChange(e: LedgerEntry): RecordChange {
  const add: Record<string, number> = { requests: 1, cost_usd: positive(e.costUsd), saved_usd: positive(e.savedUsd) };
  if (e.client) add[clientCostField(e.client)] = positive(e.costUsd);
  return { add, set: {} };
}
