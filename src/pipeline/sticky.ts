/** Reads and changes sticky state for the scopes of a request. */
import type { StickyScope } from '../config/types.js';
import { GatewayError } from '../errors.js';
import type { StateOperation } from '../metrics/types.js';
import type { StickyAction } from '../plan/types.js';
import type { StateNamespace } from '../state/store.js';
import type { RequestContext } from './context.js';

/**
 * The store key of a scope for this request, or undefined when the scope has no state here. A request
 * without a session id falls back (with `sessions.fallback: global`) to its client's state when clients are
 * configured, so one client's sessionless requests never read or change another's; else to the global state.
 */
export function scopeKey(ctx: RequestContext, scope: StickyScope): { ns: StateNamespace; key: string } | undefined {
  if (scope === 'session') {
    if (ctx.session) return { ns: 'sticky:session', key: ctx.session };
    if (ctx.plan.sessions.fallback === 'none') return undefined;
    return ctx.client ? { ns: 'sticky:client', key: ctx.client } : { ns: 'sticky:global', key: 'global' };
  }
  if (scope === 'client' && ctx.client) return { ns: 'sticky:client', key: ctx.client };
  return { ns: 'sticky:global', key: 'global' };
}

/** Loads the sticky state of every scope the plan's routes read, into ctx.sticky. */
export async function loadSticky(ctx: RequestContext): Promise<void> {
  await Promise.all(
    ctx.plan.stickyScopes.map(async (scope) => {
      const at = scopeKey(ctx, scope);
      if (!at) return;
      try {
        ctx.sticky[scope] = await ctx.services.store.get(at.ns, at.key);
      } catch (err) {
        storeFailed(ctx, 'sticky_get', err);
      }
    }),
  );
}

/**
 * Applies a route's sticky action. The change takes effect from the next request; the gateway applies a
 * local reply's at once and a forwarded request's once its upstream accepted it.
 */
export async function applySticky(ctx: RequestContext, action: StickyAction): Promise<void> {
  const at = scopeKey(ctx, action.scope);
  if (!at) return;
  const before = ctx.sticky[action.scope];
  const after = action.op === 'set' ? action.value : undefined;
  try {
    if (after === undefined) await ctx.services.store.delete(at.ns, at.key);
    else await ctx.services.store.set(at.ns, at.key, after, ctx.plan.state.stickyTtlSeconds);
  } catch (err) {
    storeFailed(ctx, 'sticky_set', err);
    return;
  }
  if (before !== after) ctx.services.recorder.routeSwitch(before ?? 'none', after ?? 'none');
}

/** Fail open (count, warn once per outage, go on as if unset) or fail closed (503), as the plan says. */
function storeFailed(ctx: RequestContext, op: StateOperation, err: unknown): void {
  ctx.services.stateErrors.failed(op, err, { request_id: ctx.id });
  if (ctx.plan.state.onError === 'fail_closed') throw new GatewayError('state_unavailable', 'routing state is unavailable; try again shortly');
}
