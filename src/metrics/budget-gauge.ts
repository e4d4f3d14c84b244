/**
 * mmexec_budget_remaining_usd{client,period}: what each client may still spend in the current UTC day or
 * month (its total cap, over every replica on Redis). Read from the budget counters when Prometheus
 * scrapes, never on the request path; a store failure leaves the gauge empty for that scrape.
 */
import { Gauge, type Registry } from 'prom-client';

/** One client's remaining budget in one period. */
export interface BudgetRemaining {
  client: string;
  period: string;
  usd: number;
}

/** Reads the remaining budgets (may reject). */
export type BudgetSource = () => Promise<BudgetRemaining[]>;

/** Registers the gauge on `registry`; `source` is read at each scrape. */
export function registerBudgetGauge(registry: Registry, source: BudgetSource): Gauge<string> {
  return new Gauge({
    name: 'mmexec_budget_remaining_usd',
    help: "USD a client may still spend before its daily or monthly cap (total over upstreams), by period.",
    labelNames: ['client', 'period'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await source().catch(() => []);
      for (const r of rows) this.set({ client: r.client, period: r.period }, r.usd);
    },
  });
}
