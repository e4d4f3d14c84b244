/** `mmexec validate`: load and compile a rule file; exit 0, or 1 listing every error. */
import { loadConfig } from '../../config/load.js';
import { ConfigError, formatIssue } from '../../errors.js';
import { compilePlan } from '../../plan/compile.js';
import type { Plan } from '../../plan/types.js';
import { checkPlan } from '../../server/runtime.js';
import { CONFIG_OPTION, type Command, type CommandArgs } from '../command.js';
import { resolveConfigPath } from '../config-path.js';
import { localUrl } from '../gateway-url.js';

/** Why `serve` would refuse this plan where it listens (an open network listener, a self-loop), if it would. */
function listenProblem(plan: Plan): string | undefined {
  try {
    checkPlan(plan, { host: plan.server.host, port: plan.server.port || undefined });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function run(args: CommandArgs): number {
  const path = resolveConfigPath(args.string('config'));
  try {
    const { plan, warnings } = compilePlan(loadConfig(path));
    const refused = listenProblem(plan);
    if (refused) {
      process.stderr.write(`${path}: ${refused}\n`);
      return 1;
    }
    for (const u of plan.upstreams.values()) u.agent.destroy();
    for (const w of warnings) process.stderr.write(`warning: ${formatIssue(w)}\n`);
    if (args.flag('print-url')) process.stdout.write(`${localUrl(plan.server.host, plan.server.port)}\n`);
    else process.stdout.write(`${path}: ok (${plan.routes.length} routes, ${plan.upstreams.size} upstreams, digest ${plan.digest})\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
    process.stderr.write(`${err.issues.length} error${err.issues.length === 1 ? '' : 's'}\n`);
    return 1;
  }
}

/** `mmexec validate`. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a rule file and list every error',
  description:
    'Loads and compiles the rule file and every file it includes, as serve does (after reading .env), and\n' +
    'lists every error with its file:line:column, and refuses what serve would refuse where it listens (a\n' +
    'network address without client keys, an upstream pointing back at the gateway). Warnings (e.g. a key\n' +
    'variable not set) go to stderr.',
  exitCodes: '0 valid, 1 errors found (each listed), 2 wrong usage.',
  options: {
    config: CONFIG_OPTION,
    'print-url': { type: 'boolean', description: 'print only the URL the gateway will listen on, e.g. http://127.0.0.1:9099 (for scripts)' },
  },
  readsEnv: true,
  run,
};
