/**
 * The forward step: sends the request to `ctx.upstream` through the forwarder, and to its fallback when it
 * fails before any response byte (connection error, 5xx, 529, timeout) — never after output started.
 */
import type { RequestContext } from './context.js';
import type { Attempt, Forwarder } from './forwarder.js';
import { resetModel, runUpstreamStages } from './run-stages.js';
import { responseStagesOf } from './stage-list.js';
import type { CompiledUpstream } from '../plan/types.js';
import type { StreamOutcome } from '../upstream/response-pipe.js';

/** Retryable on the fallback: the upstream failed before sending any usable answer. */
function failedBeforeOutput(a: Attempt<unknown>): boolean {
  return !a.ok || a.status >= 500;
}

/**
 * One attempt, timed: the gateway's own time before it (since the body's end, or since the previous
 * attempt failed) is added to `overheadMs`; the first byte is the answering upstream's.
 */
async function timedAttempt<A>(ctx: RequestContext, fw: Forwarder<A>, upstream: CompiledUpstream, readyAt: number): Promise<Attempt<A>> {
  const t = ctx.timings;
  t.firstByte = undefined;
  const sending = fw.attempt(ctx, upstream);
  t.upstreamSend = performance.now();
  t.overheadMs = (t.overheadMs ?? 0) + (t.upstreamSend - readyAt);
  const a = await sending;
  if (a.ok) t.firstByte = performance.now();
  return a;
}

/** Counts a failed attempt as its upstream's error. */
function countFailure(ctx: RequestContext, upstream: CompiledUpstream, a: Attempt<unknown>): void {
  if (!a.ok) ctx.services.recorder.upstreamError(upstream.name, a.kind);
  else if (a.status >= 500) ctx.services.recorder.upstreamError(upstream.name, 'http_5xx');
}

/** The fallback to try after `a`, if `upstream` has one not tried yet and `a` failed before output. */
function fallbackAfter(ctx: RequestContext, upstream: CompiledUpstream, a: Attempt<unknown>, tried: ReadonlySet<string>): CompiledUpstream | undefined {
  const next = upstream.fallback ? ctx.plan.upstreams.get(upstream.fallback) : undefined;
  return next && !tried.has(next.name) && failedBeforeOutput(a) ? next : undefined;
}

/** Moves the request to the fallback and runs its request stages (which may move it once more). */
async function moveTo(ctx: RequestContext, from: CompiledUpstream, next: CompiledUpstream, a: Attempt<unknown>): Promise<void> {
  ctx.log.warn('upstream failed, using fallback', { request_id: ctx.id, upstream: from.name, fallback: next.name, reason: a.ok ? `status ${a.status}` : a.kind });
  ctx.upstream = next;
  resetModel(ctx, next);
  await runUpstreamStages(ctx);
}

/**
 * Forwards the request (the stages of `ctx.upstream` already run), following fallbacks, and delivers the
 * answer. `onAccepted` runs once the answering upstream sent a 2xx head, before any byte reaches the
 * client; when it throws, the answer is dropped. Throws a GatewayError when no upstream answered.
 */
export async function forwardWithFallback<A>(ctx: RequestContext, fw: Forwarder<A>, onAccepted?: () => Promise<void>): Promise<StreamOutcome> {
  const tried = new Set<string>();
  let upstream = ctx.upstream!;
  let readyAt = ctx.timings.bodyEnd;
  for (;;) {
    tried.add(upstream.name);
    const a = await timedAttempt(ctx, fw, upstream, readyAt);
    if (fw.clientGone()) {
      if (a.ok) fw.discard(a.answer);
      return 'client_gone';
    }
    countFailure(ctx, upstream, a);
    const next = fallbackAfter(ctx, upstream, a, tried);
    if (!next) return deliver(ctx, fw, a, upstream, onAccepted);
    readyAt = performance.now();
    if (a.ok) fw.discard(a.answer);
    await moveTo(ctx, upstream, next, a);
    upstream = ctx.upstream!;
  }
}

/** Delivers the last attempt's answer, or throws its failure. */
async function deliver<A>(ctx: RequestContext, fw: Forwarder<A>, a: Attempt<A>, upstream: CompiledUpstream, onAccepted?: () => Promise<void>): Promise<StreamOutcome> {
  if (!a.ok) throw a.error;
  if (onAccepted && a.status >= 200 && a.status < 300) {
    try {
      await onAccepted();
    } catch (err) {
      fw.discard(a.answer);
      throw err;
    }
  }
  ctx.releaseBody();
  const outcome = await fw.deliver(ctx, a.answer, upstream, responseStagesOf(ctx, upstream));
  if (outcome === 'broken' || outcome === 'idle') ctx.services.recorder.upstreamError(upstream.name, outcome === 'idle' ? 'idle_timeout' : 'stream_broken');
  return outcome;
}
