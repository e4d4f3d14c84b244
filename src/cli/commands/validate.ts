/** `mmexec validate`: load and compile a rule file; exit 0, or 1 listing every error. */
import { loadConfig } from '../../config/load.js';
import { ConfigError, formatIssue } from '../../errors.js';
import { compilePlan } from '../../plan/compile.js';
import { option, type ParsedArgs } from '../args.js';
import { resolveConfigPath } from '../config-path.js';

/** Runs validate; returns the exit code. */
export function validateCommand(args: ParsedArgs): number {
  const path = resolveConfigPath(option(args, 'config'));
  try {
    const { plan, warnings } = compilePlan(loadConfig(path));
    for (const w of warnings) process.stderr.write(`warning: ${formatIssue(w)}\n`);
    process.stdout.write(`${path}: ok (${plan.routes.length} routes, ${plan.upstreams.size} upstreams, digest ${plan.digest})\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
    process.stderr.write(`${err.issues.length} error${err.issues.length === 1 ? '' : 's'}\n`);
    return 1;
  }
}
