/**
 * The record step: one log line and one metrics record per request, with its cost computed once (at the
 * prices of the plan the request ran on) and kept on the context for the budgets. Runs once the answer is sent.
 */
import type { GatewayError } from '../errors.js';
import { logFlat } from '../log.js';
import { requestCost } from '../metrics/cost.js';
import type { Usage } from '../metrics/types.js';
import type { StreamOutcome } from '../upstream/response-pipe.js';
import type { RequestContext, Services } from './context.js';

/** What is known about a request even when it failed before a context existed. */
export interface RequestSummary {
  id: string;
  method: string;
  url: string;
  start: number;
  status: number;
  outcome: StreamOutcome | 'error';
  error?: GatewayError;
}

/** What recordRequest already knows about the request. */
export interface FinishedRequest {
  id: string;
  status: number;
  /** The stream broke or went idle after its head was sent. */
  broken: boolean;
  error: GatewayError | undefined;
  route: string;
  upstream: string;
  model: string;
  usage: Usage | undefined;
  durationMs: number;
  costUsd: number;
  savingsUsd: number;
}

const ms = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? Math.round((b - a) * 100) / 100 : undefined);

/** Logs the request and reports it to the metrics recorder; returns what the session ledger keeps of it. */
export function recordRequest(services: Services, ctx: RequestContext | undefined, s: RequestSummary): FinishedRequest {
  const end = performance.now();
  const usage = ctx?.usage.usage();
  const upstream = ctx?.route?.reply ? 'local' : ctx?.upstream?.name ?? 'none';
  const model = ctx?.usage.model() ?? ctx?.upstreamModel ?? 'unknown';
  const t = ctx?.timings;
  const cost = ctx && usage ? (ctx.cost = requestCost(usage, model, ctx.requestedModel, ctx.plan.prices)) : undefined;
  const route = ctx?.route?.name ?? 'none';
  const { costUsd, savingsUsd } = services.recorder.requestFinished({
    route,
    upstream,
    model,
    requestedModel: ctx?.requestedModel ?? 'unknown',
    client: ctx?.client,
    status: s.status,
    durationSeconds: (end - s.start) / 1000,
    ttfbSeconds: t?.firstByte !== undefined ? (t.firstByte - s.start) / 1000 : undefined,
    overheadSeconds: t?.overheadMs !== undefined ? t.overheadMs / 1000 : undefined,
    usage,
    cost,
  });
  logRequest(services, ctx, s, { upstream, model, end, cost: cost?.costUsd });
  const broken = s.outcome === 'broken' || s.outcome === 'idle' || s.outcome === 'stage_failed';
  return { id: s.id, status: s.status, broken, error: s.error, route, upstream, model, usage, durationMs: end - s.start, costUsd, savingsUsd };
}

/** The request's one log line. */
function logRequest(services: Services, ctx: RequestContext | undefined, s: RequestSummary, f: { upstream: string; model: string; end: number; cost: number | undefined }): void {
  const { upstream, model, end } = f;
  const t = ctx?.timings;
  const usage = ctx?.usage.usage();
  const level = s.status >= 500 || s.outcome === 'broken' || s.outcome === 'idle' || s.outcome === 'stage_failed' ? 'warn' : 'info';
  logFlat(services.log, level, `${s.method} ${s.url.split('?', 1)[0]} ${s.status}`, {
    request_id: s.id,
    route: ctx?.route?.name,
    upstream,
    model,
    requested_model: ctx?.requestedModel,
    client: ctx?.client,
    status: s.status,
    outcome: s.outcome === 'complete' ? undefined : s.outcome,
    error: s.error?.message,
    ttfb_ms: ms(s.start, t?.firstByte),
    duration_ms: ms(s.start, end),
    input_tokens: usage?.input_tokens,
    output_tokens: usage?.output_tokens,
    cache_read_tokens: usage?.cache_read_input_tokens,
    cache_write_tokens: usage?.cache_creation_input_tokens,
    cost_usd: f.cost !== undefined ? Number(f.cost.toFixed(6)) : undefined,
    thinking_converted: ctx?.thinkingConverted || undefined,
  });
}
