/**
 * The team gateway's three touch points on the request path, used only when clients are configured:
 * `admitClient` before routing (budget read / 429; the key is checked from the headers before the body), `chooseUpstream` after routing (over-budget
 * reroute, credential check), and `recordSpend` once the request's cost is known (atomic counter increments).
 */
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import type { CompiledUpstream } from '../plan/types.js';
import { checkCredentialUse, type ClientIdentity } from './auth.js';
import { budgetLimits, chargedLimits, describeLimit, exhausted, fromMicros, overBudgetMessage, toMicros } from './budget.js';
import type { TeamRequest } from './team-request.js';

/**
 * Admits a client authenticated from the headers (see `authenticate`, run before the body is read): records
 * it on the context and reads its budget; throws 429 (no cheaper upstream) or 503 (fail_closed).
 */
export async function admitClient(ctx: RequestContext, identity: ClientIdentity): Promise<void> {
  const team: TeamRequest = { identity, readings: undefined };
  ctx.client = identity.client.name;
  ctx.team = team;
  const budget = identity.client.budget;
  if (!budget) return;
  const limits = budgetLimits(identity.client.name, budget, new Date());
  if (limits.length === 0) return;
  let spent: number[];
  try {
    const values = await Promise.all(limits.map((l) => ctx.services.store.get('budget', l.key)));
    spent = values.map((v) => fromMicros(Number(v ?? 0) || 0));
  } catch (err) {
    ctx.services.stateErrors.failed('budget_get', err, { client: ctx.client, effect: 'budget not checked' });
    if (ctx.plan.state.onError === 'fail_closed') throw new GatewayError('state_unavailable', 'budget state is unavailable; try again shortly');
    spent = limits.map(() => 0);
  }
  team.readings = limits.map((l, i) => ({ ...l, spentUsd: spent[i]! }));
  const over = exhausted(team.readings);
  if (over && !budget.overBudgetUpstream) throw new GatewayError('budget_exceeded', overBudgetMessage(ctx.client, over));
}

/**
 * The upstream a forwarding route's request goes to: the route's, or the client's over_budget upstream when
 * a cap that applies is exhausted. Throws 429 when no cheaper upstream can take it, 401 when a key sent as
 * the upstream credential would be passed through.
 */
export function chooseUpstream(ctx: RequestContext, upstream: CompiledUpstream): CompiledUpstream {
  const team = ctx.team;
  if (!team) return upstream;
  let chosen = upstream;
  const readings = team.readings;
  const over = readings && exhausted(readings, upstream.name);
  if (readings && over) {
    const altName = team.identity.client.budget?.overBudgetUpstream;
    const alt = altName ? ctx.plan.upstreams.get(altName) : undefined;
    const altCapped = alt && readings.some((r) => r.upstream === alt.name && r.spentUsd >= r.limitUsd);
    if (!alt || altCapped) throw new GatewayError('budget_exceeded', overBudgetMessage(team.identity.client.name, over));
    if (alt.name !== upstream.name) {
      team.overBudgetFrom = upstream.name;
      ctx.log.info('client over budget; using its over_budget upstream', { client: ctx.client, budget: describeLimit(over), upstream: alt.name });
    }
    chosen = alt;
  }
  checkCredentialUse(ctx.plan, team.identity, chosen);
  return chosen;
}

/**
 * Adds the request's cost to every cap it is charged to, one atomic increment each, and logs the single
 * increment that takes a cap over its limit. Never rejects.
 */
export async function recordSpend(ctx: RequestContext): Promise<void> {
  const readings = ctx.team?.readings;
  if (!readings || !ctx.cost || !ctx.upstream || ctx.route?.reply) return;
  const micros = toMicros(ctx.cost.costUsd);
  if (micros <= 0) return;
  await Promise.all(
    chargedLimits(readings, ctx.upstream.name).map(async (l) => {
      try {
        const total = await ctx.services.store.incrBy('budget', l.key, micros, l.ttlSeconds);
        const cap = toMicros(l.limitUsd);
        if (total >= cap && total - micros < cap) {
          ctx.log.warn('client budget reached', { client: ctx.client, budget: describeLimit(l), spent_usd: fromMicros(total), resets_at: l.resetsAt.toISOString() });
        }
      } catch (err) {
        ctx.services.stateErrors.failed('budget_incr', err, { client: ctx.client, effect: 'spend not recorded' });
      }
    }),
  );
}
