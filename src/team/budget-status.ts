/**
 * Every client's budget caps with what is spent and what is left, read from the budget counters (shared by
 * replicas on Redis) on demand: for /ui and the mmexec_budget_remaining_usd gauge, never on the request path.
 */
import type { BudgetRemaining } from '../metrics/budget-gauge.js';
import type { Plan } from '../plan/types.js';
import type { StateStore } from '../state/store.js';
import { budgetLimits, fromMicros, type Period } from './budget.js';

/** One cap of one client at a moment. */
export interface BudgetStatus {
  client: string;
  period: Period;
  /** null = the client's total spend. */
  upstream: string | null;
  limit_usd: number;
  spent_usd: number;
  /** limit − spent, never below 0. */
  remaining_usd: number;
  resets_at: string;
}

const usd = (n: number): number => Number(n.toFixed(6));

/** The caps of every client with a budget at `now`, in configuration order. Rejects when the store fails. */
export async function budgetStatus(plan: Plan, store: StateStore, now: Date): Promise<BudgetStatus[]> {
  const limits = plan.clients.flatMap((c) => (c.budget ? budgetLimits(c.name, c.budget, now).map((l) => ({ client: c.name, l })) : []));
  const values = await Promise.all(limits.map(({ l }) => store.get('budget', l.key)));
  return limits.map(({ client, l }, i) => {
    const spent = fromMicros(Number(values[i] ?? 0) || 0);
    return {
      client,
      period: l.period,
      upstream: l.upstream ?? null,
      limit_usd: l.limitUsd,
      spent_usd: usd(spent),
      remaining_usd: usd(Math.max(0, l.limitUsd - spent)),
      resets_at: l.resetsAt.toISOString(),
    };
  });
}

/** The remaining total budget of each client per period, for mmexec_budget_remaining_usd (the current plan). */
export async function remainingBudgets(gw: { plan: Plan; services: { store: StateStore } }): Promise<BudgetRemaining[]> {
  const rows = await budgetStatus(gw.plan, gw.services.store, new Date());
  return rows.filter((r) => r.upstream === null).map((r) => ({ client: r.client, period: r.period, usd: r.remaining_usd }));
}
