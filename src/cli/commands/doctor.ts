/**
 * `mmexec doctor`: checks the rule file, the environment each upstream needs and that each upstream answers
 * and accepts its key, one line per check, so a bad key shows up before Claude Code spends minutes retrying.
 */
import { parseDuration } from '../../config/duration.js';
import { loadConfig } from '../../config/load.js';
import { ConfigError, formatIssue } from '../../errors.js';
import { compilePlan } from '../../plan/compile.js';
import type { Plan } from '../../plan/types.js';
import { selfLoop } from '../../server/safe-binding.js';
import { CONFIG_OPTION, type Command, type CommandArgs } from '../command.js';
import { resolveConfigPath } from '../config-path.js';
import { checkUpstream, type DoctorCheck } from '../doctor-checks.js';

function line(c: DoctorCheck): string {
  return `${c.ok ? 'ok     ' : 'problem'}  ${c.subject}: ${c.detail}\n`;
}

function durationCheck(v: string): string | undefined {
  try {
    return parseDuration(v) > 0 ? undefined : 'expected more than 0';
  } catch {
    return 'expected a duration such as 5s or 1500ms';
  }
}

async function upstreamChecks(plan: Plan, timeoutMs: number): Promise<DoctorCheck[]> {
  const loop = selfLoop(plan, plan.server.port);
  const each = [...plan.upstreams.values()].map((u) =>
    u.name === loop
      ? Promise.resolve([{ ok: false, subject: u.name, detail: `${u.url.origin} is this gateway's own address (port ${plan.server.port}): requests would loop; point it at the real upstream` }])
      : checkUpstream(u, process.env, timeoutMs),
  );
  return (await Promise.all(each)).flat();
}

async function run(args: CommandArgs): Promise<number> {
  const path = resolveConfigPath(args.string('config'));
  let plan: Plan;
  try {
    plan = compilePlan(loadConfig(path), process.env).plan;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const i of err.issues) process.stdout.write(line({ ok: false, subject: 'config', detail: `${formatIssue(i)} (mmexec validate lists every error)` }));
    return 1;
  }
  process.stdout.write(line({ ok: true, subject: 'config', detail: `${path} (${plan.routes.length} routes, ${plan.upstreams.size} upstreams)` }));
  try {
    const checks = await upstreamChecks(plan, parseDuration(args.string('timeout') ?? '5s'));
    for (const c of checks) process.stdout.write(line(c));
    const problems = checks.filter((c) => !c.ok).length;
    process.stdout.write(problems === 0 ? 'all checks passed\n' : `${problems} problem${problems === 1 ? '' : 's'}\n`);
    return problems === 0 ? 0 : 1;
  } finally {
    for (const u of plan.upstreams.values()) u.agent.destroy();
  }
}

/** `mmexec doctor`. */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the config, the environment and that each upstream answers and accepts its key',
  description:
    'Checks the rule file (as validate does), that the key variable of each upstream is set, and that each\n' +
    'upstream answers GET <url>/v1/models (which costs nothing) with the auth it would get, accepting its key.\n' +
    "Passthrough upstreams use each client's own credentials: only that they answer is checked.",
  exitCodes: '0 every check passed, 1 a problem was found (each says what to fix), 2 wrong usage.',
  options: {
    config: CONFIG_OPTION,
    timeout: { type: 'string', value: 'DURATION', description: 'how long each upstream may take to answer (default 5s)', check: durationCheck },
  },
  readsEnv: true,
  run,
};
