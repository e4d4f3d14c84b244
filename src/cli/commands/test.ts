/** `mmexec test [files...]`: runs rule tests; without files, the tests of the rules ./mmexec.yaml uses. */
import { ConfigError, formatIssue } from '../../errors.js';
import { targetForConfig, targetForFile, type TestTarget } from '../../rule-tests/collect.js';
import { runTarget, type TestResult } from '../../rule-tests/run.js';
import { CONFIG_OPTION, type Command, type CommandArgs } from '../command.js';
import { resolveConfigPath } from '../config-path.js';

function report(target: TestTarget, results: readonly TestResult[], verbose: boolean): string {
  const lines: string[] = [];
  if (target.stubs.length > 0) lines.push(`(stub upstreams for ${target.stubs.join(', ')}: not in ${target.configPath})`);
  let file = '';
  for (const r of results) {
    const f = r.where.replace(/:\d+:\d+$/, '');
    if (f !== file) lines.push((file = f));
    if (r.ok) {
      if (verbose) lines.push(`  ✓ ${r.name}`);
      continue;
    }
    lines.push(`  ✗ ${r.name} (${r.where})`, ...r.diff.map((d) => `      ${d}`));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

async function run(args: CommandArgs): Promise<number> {
  const env = process.env;
  const configPath = resolveConfigPath(args.string('config'));
  const verbose = !args.flag('quiet');
  let passed = 0;
  let failed = 0;
  try {
    const targets = args.positionals.length === 0 ? [targetForConfig(configPath, env)] : args.positionals.map((f) => targetForFile(f, configPath, env));
    for (const target of targets) {
      const results = await runTarget(target, env);
      process.stdout.write(report(target, results, verbose));
      for (const r of results) r.ok ? passed++ : failed++;
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      process.stderr.write(`mmexec test: ${(err as Error).message}\n`);
      return 1;
    }
    for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
    return 1;
  }
  if (passed + failed === 0) {
    process.stderr.write('mmexec test: no rule tests found (add `tests:` to a rule file or a <rules>.test.yaml beside it)\n');
    return 1;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

/** `mmexec test`. */
export const testCommand: Command = {
  name: 'test',
  summary: 'run rule tests (without files: the tests of the rules ./mmexec.yaml uses)',
  description:
    'Runs the rule tests of the given rule files (a `tests:` list, or <name>.test.yaml beside <name>.yaml)\n' +
    'against the configuration; without files, the tests of every rule file the configuration uses. A\n' +
    'failure prints - expected / + actual lines and the routes tried.',
  exitCodes: '0 every test passes, 1 a test fails, none is found or a file is invalid, 2 wrong usage.',
  positionals: { usage: '[files...]', max: Infinity },
  options: {
    config: CONFIG_OPTION,
    quiet: { type: 'boolean', description: 'print only failures and the totals' },
  },
  readsEnv: true,
  run,
};
