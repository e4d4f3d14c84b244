/**
 * The `/status` report: routes, upstream health, sticky sessions per upstream, uptime, cost and savings
 * since start. Read from the metrics registry and the state store on demand; nothing on the request path.
 */
import type { Registry } from 'prom-client';
import type { Gateway } from './gateway.js';

/** One route as /status shows it. */
export interface RouteStatus {
  name: string;
  /** Upstream name, or `local` for a local reply. */
  target: string;
  sticky: string | null;
  requests: number;
}

/** One upstream as /status shows it. `health` is judged from failures since start. */
export interface UpstreamStatus {
  name: string;
  url: string;
  fallback: string | null;
  health: 'idle' | 'ok' | 'degraded' | 'failing';
  requests: number;
  errors: number;
  error_kinds: Record<string, number>;
  sticky_sessions: number;
  cost_usd: number;
  savings_usd: number;
}

/** The JSON body of GET /status. */
export interface StatusReport {
  version: string;
  config_digest: string;
  config_files: readonly string[];
  state_store: string;
  started_at: string;
  uptime_seconds: number;
  draining: boolean;
  requests: number;
  cost_usd: number;
  savings_usd: number;
  /** Sessions whose sticky state names each value (usually an upstream); null when the store cannot count. */
  sticky_sessions: Record<string, number> | null;
  routes: RouteStatus[];
  upstreams: UpstreamStatus[];
}

type Sample = { labels: Record<string, string | number>; value: number };

async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const m = registry.getSingleMetric(name);
  if (!m) return [];
  const data = await m.get();
  return data.values as Sample[];
}

/** Sums sample values by one label. */
function sumBy(list: readonly Sample[], label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of list) {
    const k = String(s.labels[label] ?? '');
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

function health(requests: number, errors: number): UpstreamStatus['health'] {
  if (errors === 0) return requests === 0 ? 'idle' : 'ok';
  return errors * 2 < requests ? 'degraded' : 'failing';
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/** Builds the status report of a gateway. */
export async function buildStatus(gw: Gateway): Promise<StatusReport> {
  const plan = gw.plan;
  const [requests, errors, cost, savings] = await Promise.all(
    ['mmexec_requests_total', 'mmexec_upstream_errors_total', 'mmexec_cost_usd_total', 'mmexec_savings_usd_total'].map((n) => samples(gw.registry, n)),
  );
  let sticky: Record<string, number> | null = null;
  try {
    sticky = (await gw.services.store.countByValue?.('sticky:session')) ?? null;
  } catch {
    sticky = null;
  }
  const byRoute = sumBy(requests!, 'route');
  const byUpstream = sumBy(requests!, 'upstream');
  const costBy = sumBy(cost!, 'upstream');
  const savingsBy = sumBy(savings!, 'upstream');
  const upstreams = [...plan.upstreams.values()].map((u): UpstreamStatus => {
    const mine = errors!.filter((s) => s.labels.upstream === u.name);
    const kinds = Object.fromEntries(sumBy(mine, 'kind'));
    const errorCount = mine.reduce((a, s) => a + s.value, 0);
    const req = byUpstream.get(u.name) ?? 0;
    return {
      name: u.name,
      url: `${u.url.origin}${u.url.pathname}`,
      fallback: u.fallback ?? null,
      health: health(req, errorCount),
      requests: req,
      errors: errorCount,
      error_kinds: kinds,
      sticky_sessions: sticky?.[u.name] ?? 0,
      cost_usd: round(costBy.get(u.name) ?? 0),
      savings_usd: round(savingsBy.get(u.name) ?? 0),
    };
  });
  const total = (list: readonly Sample[]): number => round(list.reduce((a, s) => a + s.value, 0));
  return {
    version: gw.version,
    config_digest: plan.digest,
    config_files: plan.files,
    state_store: gw.services.store.kind,
    started_at: new Date(gw.startedAt).toISOString(),
    uptime_seconds: Math.round((Date.now() - gw.startedAt) / 1000),
    draining: gw.draining,
    requests: total(requests!),
    cost_usd: total(cost!),
    savings_usd: total(savings!),
    sticky_sessions: sticky,
    routes: plan.routes.map((r) => ({
      name: r.name,
      target: r.reply ? 'local' : (r.upstream?.name ?? 'none'),
      sticky: r.sticky ? (r.sticky.op === 'set' ? `set ${r.sticky.value}` : 'clear') + (r.sticky.scope === 'session' ? '' : ` (${r.sticky.scope})`) : null,
      requests: byRoute.get(r.name) ?? 0,
    })),
    upstreams,
  };
}
