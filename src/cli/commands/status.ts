/** `mmexec status`: asks a running gateway for its /status report and prints it as tables. */
import { existsSync } from 'node:fs';
import type { StatusReport } from '../../server/status.js';
import { option, type ParsedArgs } from '../args.js';
import { table } from '../table.js';

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

const usd = (n: number): string => `$${n.toFixed(4)}`;

/** Renders a status report as readable text. */
export function formatStatus(url: string, r: StatusReport): string {
  const head = [
    `mmexec ${r.version} at ${url}${r.draining ? ' (draining)' : ''}`,
    `uptime ${duration(r.uptime_seconds)} (since ${r.started_at}), config ${r.config_digest}, state store ${r.state_store}`,
    `requests ${r.requests}, cost ${usd(r.cost_usd)}, savings ${usd(r.savings_usd)} since start`,
  ];
  const upstreams = table(
    ['UPSTREAM', 'HEALTH', 'REQUESTS', 'ERRORS', 'STICKY SESSIONS', 'COST', 'SAVINGS', 'URL'],
    r.upstreams.map((u) => [u.name, u.health, u.requests, u.errors, u.sticky_sessions, usd(u.cost_usd), usd(u.savings_usd), u.url + (u.fallback ? ` (fallback ${u.fallback})` : '')]),
  );
  const routes = table(
    ['#', 'ROUTE', 'TARGET', 'STICKY', 'REQUESTS'],
    r.routes.map((x, i) => [i + 1, x.name, x.target, x.sticky ?? '-', x.requests]),
  );
  const sticky = r.sticky_sessions === null ? 'sticky sessions: not counted by this state store' : '';
  return `${head.join('\n')}\n\n${upstreams}\n\n${routes}\n${sticky ? `\n${sticky}\n` : ''}`;
}

/** Runs status; exit 0 when the gateway answered, 1 otherwise. */
export async function statusCommand(args: ParsedArgs): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const url = (option(args, 'url') ?? process.env.MMEXEC_URL ?? `http://127.0.0.1:${process.env.PORT || 9099}`).replace(/\/+$/, '');
  const token = option(args, 'token') ?? process.env.MMEXEC_METRICS_TOKEN;
  let res: Response;
  try {
    res = await fetch(`${url}/status`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    process.stderr.write(`mmexec status: no gateway answers at ${url} (${cause})\n`);
    return 1;
  }
  if (res.status === 401) {
    process.stderr.write(`mmexec status: ${url} needs a token: pass --token or set MMEXEC_METRICS_TOKEN\n`);
    return 1;
  }
  if (!res.ok) {
    process.stderr.write(`mmexec status: ${url}/status answered ${res.status}\n`);
    return 1;
  }
  const report = (await res.json()) as StatusReport;
  process.stdout.write(args.flags.has('json') ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(url, report));
  return 0;
}
