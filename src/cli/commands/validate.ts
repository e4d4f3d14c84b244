/** `mmexec validate`: load and compile a rule file; exit 0, or 1 listing every error. */
import { loadConfig } from '../../config/load.js';
import { ConfigError, formatIssue } from '../../errors.js';
import { compilePlan } from '../../plan/compile.js';
import { listenIssues } from '../../server/safe-binding.js';
import { CONFIG_OPTION, type Command, type CommandArgs } from '../command.js';
import { resolveConfigPath } from '../config-path.js';
import { localUrl } from '../gateway-url.js';

function run(args: CommandArgs): number {
  const path = resolveConfigPath(args.string('config'));
  try {
    const loaded = loadConfig(path);
    const { plan, warnings } = compilePlan(loaded);
    for (const u of plan.upstreams.values()) u.agent.destroy();
    // What serve refuses to start with is an error here too, so validate passing means serve starts.
    const refused = listenIssues(plan, loaded);
    if (refused.length > 0) throw new ConfigError(refused);
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
    'lists every error with its file:line:column, including what serve refuses to start with (an open\n' +
    'gateway on a network address, an upstream that is the gateway itself). Warnings go to stderr.',
  exitCodes: '0 valid, 1 errors found (each listed), 2 wrong usage.',
  options: {
    config: CONFIG_OPTION,
    'print-url': { type: 'boolean', description: 'print only the URL the gateway will listen on, e.g. http://127.0.0.1:9099 (for scripts)' },
  },
  readsEnv: true,
  run,
};
