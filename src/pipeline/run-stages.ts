/** Runs the request phase: the route's transforms, then the upstream's. */
import { GatewayError } from '../errors.js';
import type { CompiledUpstream } from '../plan/types.js';
import type { RequestContext } from './context.js';
import type { Stage } from './stage.js';

/**
 * Runs the onRequest hook of each stage in order. A body too deep for JSON.stringify (a RangeError) is
 * the client's error, not the gateway's.
 */
export async function runRequestStages(ctx: RequestContext, stages: readonly Stage[]): Promise<void> {
  try {
    for (const s of stages) {
      if (!s.onRequest) continue;
      const r = s.onRequest(ctx);
      if (r) await r;
    }
  } catch (err) {
    if (err instanceof RangeError) throw new GatewayError('body_too_deep', 'request body is nested too deeply');
    throw err;
  }
}

/** A fallback or reroute target without a model of its own gets the client's model, not the one the last upstream set. */
export function resetModel(ctx: RequestContext, next: CompiledUpstream): void {
  if (next.model || ctx.requestedModel === undefined || ctx.field('model') === ctx.requestedModel) return;
  ctx.setField('model', ctx.requestedModel);
}

/**
 * Runs the request stages of `ctx.upstream`. A stage may move the request to another upstream (a profile
 * sending images to one that reads them): the rest of the old upstream's stages are skipped and the new
 * one's run, once; a second move is not followed.
 */
export async function runUpstreamStages(ctx: RequestContext): Promise<void> {
  for (let moves = 0; ; moves++) {
    const upstream = ctx.upstream!;
    try {
      for (const s of upstream.requestStages) {
        if (!s.onRequest) continue;
        const r = s.onRequest(ctx);
        if (r) await r;
        if (ctx.upstream !== upstream || ctx.localReply) break;
      }
    } catch (err) {
      if (err instanceof RangeError) throw new GatewayError('body_too_deep', 'request body is nested too deeply');
      throw err;
    }
    if (ctx.upstream === upstream || ctx.localReply) return;
    if (moves > 0) {
      ctx.upstream = upstream;
      return;
    }
    resetModel(ctx, ctx.upstream!);
  }
}

/** The response stages for an upstream answer: the upstream's first (taps, remaps), then the route's, then the gateway's own. */
export function responseStages(ctx: RequestContext, upstream: CompiledUpstream): Stage[] {
  const stages = [...upstream.responseStages, ...(ctx.route?.responseStages ?? [])];
  if (ctx.responseTail) stages.push(ctx.responseTail);
  return stages;
}
