/**
 * `mmexec claude [claude args...]`: runs Claude Code through the gateway. It uses the gateway answering at the
 * URL, or starts one in the background (the config `mmexec serve` would use), runs `claude` with
 * ANTHROPIC_BASE_URL and the mmexec status line set for that process only, and when Claude Code exits stops
 * a gateway started this way once no other `mmexec claude` uses it.
 */
import { UsageError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { buildPlan } from '../../server/start.js';
import { runClaude } from '../claude-launch/claude-child.js';
import { ClaudeUsers } from '../claude-launch/claude-users.js';
import { probeGateway, processAlive, startBackgroundGateway, stopGateway, waitForGateway, type GatewayLaunch } from '../claude-launch/gateway-process.js';
import { CONFIG_OPTION, type Command, type CommandArgs } from '../command.js';
import { resolveConfigPath } from '../config-path.js';
import { checkHttpUrl, localUrl } from '../gateway-url.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where the gateway is and how to start it: from --url / MMEXEC_URL, else from the config's server section. */
function target(args: CommandArgs): GatewayLaunch & { stateDir: string; startable: boolean } {
  const configPath = resolveConfigPath(args.string('config'));
  const plan = buildPlan(configPath, process.env, createLogger({ silent: true }));
  const given = (args.string('url') || process.env.MMEXEC_URL || '').replace(/\/+$/, '');
  const base = { configPath, env: process.env, logFile: '', stateDir: plan.state.dir };
  if (!given) {
    if (plan.server.port === 0) throw new UsageError(`${configPath} listens on a free port (server.port 0): give the gateway's URL with --url`);
    return { ...base, url: localUrl(plan.server.host, plan.server.port), startable: true };
  }
  const u = new URL(given);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const startable = u.protocol === 'http:' && LOOPBACK.has(u.hostname) && u.pathname === '/';
  return { ...base, url: given, listen: { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port }, startable };
}

/** Makes sure a gateway answers at the URL, starting one when none does; returns the pid of one it started. */
async function ensureGateway(t: ReturnType<typeof target>, users: ClaudeUsers): Promise<number | undefined> {
  let answer = await probeGateway(t.url);
  if (answer === 'draining') answer = await waitForGateway(t.url, (a) => a !== 'draining', 30_000);
  if (answer === 'running') return undefined;
  if (answer !== 'none') throw new Error(`something that is not an mmexec gateway answers at ${t.url}`);
  if (!t.startable) throw new Error(`no gateway answers at ${t.url}, and mmexec starts one only on http://127.0.0.1:PORT`);
  try {
    return await startBackgroundGateway({ ...t, logFile: users.logFile });
  } catch (err) {
    // Another `mmexec claude` may have started one at the same moment.
    if ((await probeGateway(t.url)) === 'running') return undefined;
    throw err;
  }
}

/** Stops the background gateway of this URL when no live `mmexec claude` uses it any more. */
async function stopIfUnused(users: ClaudeUsers, url: string): Promise<void> {
  const started = users.started();
  if (!started || started.url !== url || users.liveUsers(url).length > 0) return;
  users.setStarted(undefined);
  if (processAlive(started.pid)) await stopGateway(started.pid);
}

async function run(args: CommandArgs): Promise<number> {
  const t = target(args);
  const users = new ClaudeUsers(t.stateDir);
  users.join(process.pid, t.url);
  try {
    const pid = await ensureGateway(t, users);
    if (pid !== undefined) users.setStarted({ pid, url: t.url });
    const bin = args.string('claude-bin') || process.env.MMEXEC_CLAUDE || 'claude';
    return await runClaude({ bin, args: args.positionals, url: t.url, env: process.env });
  } finally {
    users.leave(process.pid);
    await stopIfUnused(users, t.url);
  }
}

/** `mmexec claude`. */
export const claudeCommand: Command = {
  name: 'claude',
  summary: 'run Claude Code through the gateway (started in the background when none runs), with the mmexec status line',
  description:
    'Uses the gateway answering at the URL, or starts `mmexec serve` in the background with the config serve\n' +
    'would use, then runs `claude` with ANTHROPIC_BASE_URL and the status line (`mmexec statusline`) set for\n' +
    'that process only (its environment and --settings; no file is written). Every argument after mmexec\'s\n' +
    'own options (or after `--`) goes to claude unchanged, e.g. `mmexec claude --resume`. Signals are passed\n' +
    'on. When claude exits, a gateway started this way stops once no other `mmexec claude` uses it; its log\n' +
    'is claude/gateway.log in the state directory.',
  exitCodes: "0 claude succeeded, else claude's own exit code (128 + N when signal N ended it); before claude runs: 1 the gateway could not be used or started or claude was not found, 2 wrong usage.",
  positionals: { usage: '[claude args...]', max: Infinity },
  passthrough: true,
  options: {
    config: CONFIG_OPTION,
    url: { type: 'string', value: 'URL', description: 'the gateway (default: MMEXEC_URL, else where the config listens)', check: checkHttpUrl },
    'claude-bin': { type: 'string', value: 'PATH', description: 'the Claude Code program (default: MMEXEC_CLAUDE, else claude on PATH)' },
  },
  readsEnv: true,
  run,
};
