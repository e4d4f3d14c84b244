/** First-match route selection over the plan's ordered routes. */
import { GatewayError } from '../errors.js';
import type { CompiledRoute, TraceLine } from '../plan/types.js';
import type { RequestContext } from './context.js';

/** An explanation of one route's evaluation (for `mmexec explain`). */
export interface RouteTrace {
  route: string;
  matched: boolean;
  lines: TraceLine[];
}

/** Returns the first route whose condition holds; conditions stay synchronous unless one needs JSONata. */
export async function selectRoute(ctx: RequestContext, traces?: RouteTrace[]): Promise<CompiledRoute> {
  for (const route of ctx.plan.routes) {
    ctx.trigger = undefined;
    const lines: TraceLine[] | undefined = traces ? [] : undefined;
    const r = route.when.test(ctx, lines);
    const matched = r instanceof Promise ? await r : r;
    traces?.push({ route: route.name, matched, lines: lines! });
    if (matched) return route;
  }
  throw new GatewayError('no_route', `no route matches ${ctx.method} ${ctx.path}`);
}
