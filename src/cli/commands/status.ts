/** `mmexec status`: asks a running gateway for its /status report and prints it as tables. */
import type { SessionView } from '../../ledger/session-view.js';
import type { StatusReport } from '../../server/status.js';
import type { Command, CommandArgs } from '../command.js';
import { checkHttpUrl, clientGatewayToken, clientGatewayUrl } from '../gateway-url.js';
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

/** Renders one session's ledger as readable text. */
export function formatSession(s: SessionView): string {
  const t = s.tokens;
  const error = s.last_error ? `${s.last_error.status} ${s.last_error.type} at ${s.last_error.at}` : 'none';
  const rows: Array<[string, string]> = [
    ['session', s.session],
    ['route', s.route],
    ['upstream', `${s.upstream} (provider ${s.provider})`],
    ['model', s.model],
    ['requests', String(s.requests)],
    ['tokens', `input ${t.input}, output ${t.output}, cache read ${t.cache_read}, cache write ${t.cache_write}`],
    ['cache read ratio', `${(s.cache_read_ratio * 100).toFixed(1)}%`],
    ['cost', usd(s.cost_usd)],
    ['saved', `${usd(s.saved_usd)} against the requested models' prices`],
    ['last error', error],
    ['updated', s.updated_at],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

async function run(args: CommandArgs): Promise<number> {
  const url = clientGatewayUrl(args.string('url'));
  const token = clientGatewayToken(args.string('token'));
  const session = args.string('session');
  const path = session === undefined ? '/status' : `/sessions/${encodeURIComponent(session)}`;
  let res: Response;
  try {
    res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    process.stderr.write(`mmexec status: no gateway answers at ${url} (${cause})\n`);
    return 1;
  }
  if (res.status === 401) {
    process.stderr.write(`mmexec status: ${url} needs a token: pass --token or set MMEXEC_METRICS_TOKEN\n`);
    return 1;
  }
  if (session !== undefined && res.status === 404) {
    process.stderr.write(`mmexec status: ${url} has no session "${session}" in its ledger (never seen, or older than state.ledger_ttl)\n`);
    return 1;
  }
  if (!res.ok) {
    process.stderr.write(`mmexec status: ${url}${path} answered ${res.status}\n`);
    return 1;
  }
  if (session !== undefined) {
    const view = (await res.json()) as SessionView;
    process.stdout.write(args.flag('json') ? `${JSON.stringify(view, null, 2)}\n` : formatSession(view));
    return 0;
  }
  const report = (await res.json()) as StatusReport;
  process.stdout.write(args.flag('json') ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(url, report));
  return 0;
}

/** `mmexec status`. */
export const statusCommand: Command = {
  name: 'status',
  summary: "show a running gateway's routes, upstream health, sticky sessions, uptime, cost and savings",
  description: "Asks a running gateway for GET /status and prints it as tables; with --session, prints that session's ledger (GET /sessions/<id>).",
  exitCodes: '0 the gateway answered, 1 it did not (or refused the token), 2 wrong usage.',
  options: {
    url: { type: 'string', value: 'URL', description: 'the gateway (default: MMEXEC_URL, else http://127.0.0.1:$PORT, PORT defaulting to 9099)', check: checkHttpUrl },
    token: { type: 'string', value: 'TOKEN', description: 'bearer token of server.metrics_token (default: MMEXEC_METRICS_TOKEN)' },
    session: { type: 'string', value: 'ID', description: "print one session's ledger: route, upstream, requests, tokens, cost, savings, cache read ratio, last error" },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  readsEnv: true,
  run,
};
