/**
 * Extracts the PromQL of a Grafana dashboard and substitutes Grafana's variables so Prometheus can run it.
 */
import { readFileSync } from 'node:fs';

/** One panel query: where it lives, its text as written, and the text ready for Prometheus. */
export interface DashboardExpr {
  panel: string;
  refId: string;
  raw: string;
  expr: string;
}

/** Values for Grafana's built-in interval variables; defaults suit a Prometheus scraping every second. */
export interface GrafanaIntervals {
  rateInterval: string;
  interval: string;
  range: string;
}

/** Path of the bundled dashboard. */
export const DASHBOARD_PATH = new URL('../../../examples/grafana/mmexec-dashboard.json', import.meta.url);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

function seconds(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration);
  if (!m || !m[1] || !m[2]) throw new Error(`not a duration: ${duration}`);
  return Number(m[1]) * (SECONDS[m[2]] ?? 1);
}

/** The value each dashboard variable takes: built-ins from `intervals`, template variables as "All". */
export function variableValues(dashboard: unknown, intervals: GrafanaIntervals): Map<string, string> {
  const values = new Map<string, string>([
    ['__rate_interval', intervals.rateInterval],
    ['__interval', intervals.interval],
    ['__interval_ms', String(seconds(intervals.interval) * 1000)],
    ['__range', intervals.range],
    ['__range_s', String(seconds(intervals.range))],
    ['__range_ms', String(seconds(intervals.range) * 1000)],
  ]);
  const templating = isObj(dashboard) && isObj(dashboard.templating) ? dashboard.templating.list : [];
  for (const v of list(templating)) {
    if (!isObj(v) || typeof v.name !== 'string') continue;
    if (v.type === 'datasource') values.set(v.name, 'prometheus');
    else if (typeof v.allValue === 'string' && v.includeAll) values.set(v.name, v.allValue);
    else if (v.includeAll) values.set(v.name, '.*');
    else if (isObj(v.current) && typeof v.current.value === 'string') values.set(v.name, v.current.value);
  }
  return values;
}

/** Replaces `$name`, `${name}` and `${name:format}`; throws on a variable the dashboard does not define. */
export function substitute(text: string, values: Map<string, string>): string {
  return text.replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    const value = values.get(name);
    if (value === undefined) throw new Error(`undefined dashboard variable ${whole}`);
    return value;
  });
}

function panelsOf(dashboard: unknown): Obj[] {
  const top = isObj(dashboard) ? list(dashboard.panels) : [];
  // Collapsed rows keep their panels inside the row.
  return top.filter(isObj).flatMap((p) => [p, ...list(p.panels).filter(isObj)]);
}

/** Every panel target's PromQL, with Grafana variables substituted. */
export function extractDashboardExprs(
  dashboard: unknown,
  intervals: GrafanaIntervals = { rateInterval: '1m', interval: '15s', range: '5m' },
): DashboardExpr[] {
  const values = variableValues(dashboard, intervals);
  const out: DashboardExpr[] = [];
  for (const panel of panelsOf(dashboard)) {
    for (const t of list(panel.targets)) {
      if (!isObj(t) || typeof t.expr !== 'string' || t.expr.trim() === '') continue;
      out.push({
        panel: typeof panel.title === 'string' ? panel.title : `panel ${String(panel.id)}`,
        refId: typeof t.refId === 'string' ? t.refId : '?',
        raw: t.expr,
        expr: substitute(t.expr, values),
      });
    }
  }
  return out;
}

/** Reads and parses the bundled dashboard. */
export function loadDashboard(): unknown {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as unknown;
}
