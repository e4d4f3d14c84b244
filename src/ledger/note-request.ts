/** Hands a finished request to the ledger and to the recent-requests ring; called where requests are recorded. */
import { tokensByType } from '../metrics/cost.js';
import type { Usage } from '../metrics/types.js';
import type { RequestContext } from '../pipeline/context.js';
import type { FinishedRequest } from '../pipeline/record.js';
import type { Gateway } from '../server/gateway.js';
import type { LedgerEntry } from './ledger-entry.js';

const ZERO: Usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

/** Records the request in the ring at once and in the ledger in the background (never throws). */
export function noteRequest(gw: Gateway, ctx: RequestContext | undefined, r: FinishedRequest): void {
  try {
    note(gw, ctx, r);
  } catch (err) {
    // Runs after the answer was sent: a fault here must not turn into an unhandled rejection.
    gw.log.warn('session ledger skipped a request', { request_id: r.id, error: (err as Error)?.message ?? String(err) });
  }
}

function note(gw: Gateway, ctx: RequestContext | undefined, r: FinishedRequest): void {
  const tokens = tokensByType(r.usage ?? ZERO);
  const at = new Date();
  gw.recent.add({
    id: r.id,
    at: at.toISOString(),
    route: r.route,
    upstream: r.upstream,
    status: r.status,
    duration_ms: Math.round(r.durationMs),
    tokens: { input: tokens.input, output: tokens.output, cache_read: tokens.cache_read, cache_write: tokens.cache_write_5m + tokens.cache_write_1h },
    cost_usd: Number(r.costUsd.toFixed(6)),
  });
  const upstream = ctx?.route?.reply ? undefined : ctx?.upstream;
  const entry: LedgerEntry = {
    session: ctx?.session,
    client: ctx?.client,
    route: r.route,
    upstream: r.upstream,
    provider: upstream ? (upstream.profile?.profile.name ?? upstream.provider) : 'none',
    model: r.model,
    forwarded: upstream !== undefined,
    status: r.status,
    errorType: r.error?.type,
    // A route's own reply (the teapot 418 included) is the answer the rules chose, not a failure.
    failed: !ctx?.route?.reply && (r.status >= 400 || r.broken),
    tokens,
    costUsd: r.costUsd,
    savedUsd: r.savingsUsd,
    at,
  };
  void gw.ledger.record(entry);
}
