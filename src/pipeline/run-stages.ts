/** Runs the request phase: the route's transforms, then the upstream's. */
import type { CompiledUpstream } from '../plan/types.js';
import type { RequestContext } from './context.js';
import type { Stage } from './stage.js';

/** Runs the onRequest hook of each stage in order. */
export async function runRequestStages(ctx: RequestContext, stages: readonly Stage[]): Promise<void> {
  for (const s of stages) {
    if (!s.onRequest) continue;
    const r = s.onRequest(ctx);
    if (r) await r;
  }
}

/** The response stages for an upstream answer: the upstream's first (taps, remaps), then the route's. */
export function responseStages(ctx: RequestContext, upstream: CompiledUpstream): Stage[] {
  return [...upstream.responseStages, ...(ctx.route?.responseStages ?? [])];
}
