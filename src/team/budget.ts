/**
 * Client budgets: USD spent per UTC day and per UTC month, in total and per upstream, kept as integer
 * micro-dollar counters in the state store's `budget` namespace (shared by replicas on Redis). Spend is
 * added with one atomic increment per counter, so concurrent requests on any replica never lose an update
 * and exactly one increment sees a budget cross its limit.
 */
import type { CompiledBudget } from '../plan/types.js';

/** Budget period. */
export type Period = 'daily' | 'monthly';

/** One cap of a client: a period, optionally of one upstream, with its counter key. */
export interface BudgetLimit {
  readonly period: Period;
  /** undefined = the client's total spend. */
  readonly upstream: string | undefined;
  readonly limitUsd: number;
  /** Counter key in the `budget` namespace (file-store safe: [a-z0-9_.-]). */
  readonly key: string;
  readonly resetsAt: Date;
  /** Counter TTL: a little longer than the period. */
  readonly ttlSeconds: number;
}

/** A limit with what was spent against it when the request started. */
export interface BudgetReading extends BudgetLimit {
  readonly spentUsd: number;
}

const MICRO = 1_000_000;
const DAY_TTL = 2 * 86_400;
const MONTH_TTL = 32 * 86_400;

/** Converts USD to the integer micro-dollars the counters hold. */
export function toMicros(usd: number): number {
  return Math.round(usd * MICRO);
}

/** Converts micro-dollars back to USD. */
export function fromMicros(micros: number): number {
  return micros / MICRO;
}

/** Counter key of a period, e.g. `frontend.d.2026-03-07` or `frontend.minimax.m.2026-03`. */
function counterKey(client: string, upstream: string | undefined, period: Period, now: Date): string {
  const iso = now.toISOString();
  const stamp = period === 'daily' ? `d.${iso.slice(0, 10)}` : `m.${iso.slice(0, 7)}`;
  return upstream ? `${client}.${upstream}.${stamp}` : `${client}.${stamp}`;
}

/** When the period containing `now` ends (UTC). */
export function periodEnd(period: Period, now: Date): Date {
  return period === 'daily'
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

function limitsOf(client: string, upstream: string | undefined, caps: { dailyUsd: number | undefined; monthlyUsd: number | undefined }, now: Date): BudgetLimit[] {
  const out: BudgetLimit[] = [];
  const add = (period: Period, limitUsd: number | undefined): void => {
    if (limitUsd === undefined) return;
    out.push({ period, upstream, limitUsd, key: counterKey(client, upstream, period, now), resetsAt: periodEnd(period, now), ttlSeconds: period === 'daily' ? DAY_TTL : MONTH_TTL });
  };
  add('daily', caps.dailyUsd);
  add('monthly', caps.monthlyUsd);
  return out;
}

/** Every cap of a client's budget at `now`: totals first, then per upstream. */
export function budgetLimits(client: string, budget: CompiledBudget, now: Date): BudgetLimit[] {
  const out = limitsOf(client, undefined, budget, now);
  for (const [upstream, caps] of budget.perUpstream) out.push(...limitsOf(client, upstream, caps, now));
  return out;
}

/** The first exhausted cap that applies to a request sent to `upstream` (totals always apply). */
export function exhausted(readings: readonly BudgetReading[], upstream?: string): BudgetReading | undefined {
  return readings.find((r) => r.spentUsd >= r.limitUsd && (r.upstream === undefined || r.upstream === upstream));
}

/** The caps a request served by `upstream` is charged to. */
export function chargedLimits(limits: readonly BudgetLimit[], upstream: string): BudgetLimit[] {
  return limits.filter((l) => l.upstream === undefined || l.upstream === upstream);
}

/** Names a cap for messages: `daily budget of $5.00` or `monthly minimax budget of $20.00`. */
export function describeLimit(l: BudgetLimit): string {
  return `${l.period}${l.upstream ? ` ${l.upstream}` : ''} budget of ${usd(l.limitUsd)}`;
}

/** The 429 message for an exhausted cap: which budget, what was spent, and when it resets. */
export function overBudgetMessage(client: string, r: BudgetReading): string {
  return `client "${client}" has used its ${describeLimit(r)} (${usd(r.spentUsd)} spent); it resets at ${r.resetsAt.toISOString()}`;
}

/** `$50`, `$12.5`, `$0.0032`: at most six decimals, no trailing zeros. */
function usd(v: number): string {
  return `$${Number(v.toFixed(6))}`;
}
