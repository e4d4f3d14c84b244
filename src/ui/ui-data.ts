/**
 * What the /ui page shows, gathered on demand from the metrics registry (/status), the state store
 * (ledger, day totals, budget counters) and this process's recent requests. Parts read from the store are
 * null when it fails; the rest still shows.
 */
import type { DayTotals } from '../ledger/session-ledger.js';
import type { RequestLine } from '../ledger/recent-requests.js';
import type { SessionView } from '../ledger/session-view.js';
import type { Gateway, ReloadResult } from '../server/gateway.js';
import { buildStatus, type StatusReport } from '../server/status.js';
import { budgetStatus, type BudgetStatus } from '../team/budget-status.js';

/** The JSON of GET /ui/data (without the rendered HTML). */
export interface UiData {
  generated_at: string;
  status: StatusReport;
  /** Totals of the current UTC day over all replicas. */
  today: DayTotals | null;
  /** Most recent sessions, newest first. */
  sessions: SessionView[] | null;
  /** Recent sessions counted by the provider that last served them. */
  sessions_by_provider: Record<string, number> | null;
  budgets: BudgetStatus[] | null;
  /** Client names configured (spend today is in `today.client_cost_usd`). */
  clients: string[];
  recent_requests: RequestLine[];
  last_reload: ReloadResult | null;
}

/** Sessions the page reads to count them by provider. */
const SESSIONS_READ = 200;

const orNull = <T>(p: Promise<T>): Promise<T | null> => p.catch(() => null);

/** Gathers the page's data. Never rejects for a store failure. */
export async function gatherUiData(gw: Gateway): Promise<UiData> {
  const now = new Date();
  const [status, today, sessions, budgets] = await Promise.all([
    buildStatus(gw),
    orNull(gw.ledger.day(now)),
    orNull(gw.ledger.recent(SESSIONS_READ)),
    orNull(budgetStatus(gw.plan, gw.services.store, now)),
  ]);
  let byProvider: Record<string, number> | null = null;
  if (sessions) {
    byProvider = {};
    for (const s of sessions) byProvider[s.provider] = (byProvider[s.provider] ?? 0) + 1;
  }
  return {
    generated_at: now.toISOString(),
    status,
    today,
    sessions,
    sessions_by_provider: byProvider,
    budgets,
    clients: gw.plan.clients.map((c) => c.name),
    recent_requests: gw.recent.list(),
    last_reload: gw.lastReload ?? null,
  };
}
