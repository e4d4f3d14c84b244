/** After a request: one log line and one metrics record. Off the byte path: runs once the answer is sent. */
import type { GatewayError } from '../errors.js';
import { noteRequest } from '../ledger/note-request.js';
import type { RequestContext } from '../pipeline/context.js';
import type { StreamOutcome } from '../upstream/response-pipe.js';
import type { Gateway } from './gateway.js';

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

const ms = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? Math.round((b - a) * 100) / 100 : undefined);

/** Logs the request, reports it to the metrics recorder and hands it to the session ledger. */
export function recordRequest(gw: Gateway, ctx: RequestContext | undefined, s: RequestSummary): void {
  const end = performance.now();
  const usage = ctx?.usage.usage();
  const upstream = ctx?.route?.reply ? 'local' : ctx?.upstream?.name ?? 'none';
  const model = ctx?.usage.model() ?? ctx?.upstreamModel ?? 'unknown';
  const t = ctx?.timings;
  const route = ctx?.route?.name ?? 'none';
  const { costUsd, savingsUsd } = gw.services.recorder.requestFinished({
    route,
    upstream,
    model,
    requestedModel: ctx?.requestedModel ?? 'unknown',
    client: ctx?.client,
    status: s.status,
    durationSeconds: (end - s.start) / 1000,
    ttfbSeconds: t?.firstByte !== undefined ? (t.firstByte - s.start) / 1000 : undefined,
    overheadSeconds: t?.upstreamSend !== undefined ? (t.upstreamSend - t.bodyEnd) / 1000 : undefined,
    usage,
  });
  const broken = s.outcome === 'broken' || s.outcome === 'idle';
  noteRequest(gw, ctx, { id: s.id, status: s.status, broken, error: s.error, route, upstream, model, usage, durationMs: end - s.start, costUsd, savingsUsd });
  const level = s.status >= 500 || broken ? 'warn' : 'info';
  gw.log.log(level, `${s.method} ${s.url.split('?', 1)[0]} ${s.status}`, {
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
    cost_usd: usage ? Number(costUsd.toFixed(6)) : undefined,
    thinking_converted: ctx?.thinkingConverted || undefined,
  });
}
