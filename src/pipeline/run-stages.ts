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

/** The response stages for an upstream answer: the upstream's first (taps, remaps), then the route's, then the gateway's own. */
export function responseStages(ctx: RequestContext, upstream: CompiledUpstream): Stage[] {
  const stages = [...upstream.responseStages, ...(ctx.route?.responseStages ?? [])];
  if (ctx.responseTail) stages.push(ctx.responseTail);
  return stages;
}
