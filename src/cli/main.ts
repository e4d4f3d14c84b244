/** The `mmexec` command line. */
import { loadDotEnv } from '../config/dotenv.js';
import { ConfigError, formatIssue, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { commandHelp, commandUsage, parseCommandArgs, type Command } from './command.js';
import { claudeCommand } from './commands/claude.js';
import { doctorCommand } from './commands/doctor.js';
import { explainCommand } from './commands/explain.js';
import { initCommand } from './commands/init.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { statuslineCommand } from './commands/statusline.js';
import { testCommand } from './commands/test.js';
import { validateCommand } from './commands/validate.js';

const COMMANDS: readonly Command[] = [serveCommand, validateCommand, explainCommand, testCommand, statusCommand, statuslineCommand, claudeCommand, doctorCommand, initCommand];

function help(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}\n             ${commandUsage(c)}`);
  return (
    `mmexec ${VERSION}: a rule-driven gateway for the Anthropic Messages API\n\nUsage: mmexec <command> [options]\n\nCommands:\n${lines.join('\n')}\n` +
    `  help       mmexec help <command>: the options of a command (same as mmexec <command> --help)\n\n` +
    'Without --config, commands use ./mmexec.yaml, else the bundled default. Every command but init reads .env\n' +
    'from the working directory first (a variable already set to a non-empty value wins).\n' +
    'Exit codes: 0 success, 1 a problem found (each command\'s --help says which), 2 wrong usage.\n' +
    'Options: --help, --version\n'
  );
}

/** Prints an error of command `name` as one line (a line per issue for a rule file) and returns the exit code. */
function report(name: string, err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`mmexec ${name}: ${err.message}\nRun "mmexec ${name} --help" for its options.\n`);
    return 2;
  }
  if (err instanceof ConfigError) {
    for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
    return 1;
  }
  const e = err as Error;
  process.stderr.write(`mmexec ${name}: ${e.message}\n`);
  if (process.env.DEBUG) process.stderr.write(`${e.stack ?? ''}\n`);
  return 1;
}

function helpCommand(rest: readonly string[]): number {
  if (rest.length === 0) {
    process.stdout.write(help());
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === rest[0]);
  if (!cmd || rest.length > 1) {
    process.stderr.write(`mmexec help: ${cmd ? `unexpected argument "${rest[1]}"` : `unknown command "${rest[0]}"`}\nUsage: mmexec help [command]\n`);
    return 2;
  }
  process.stdout.write(commandHelp(cmd));
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') return helpCommand([]);
  if (name === 'help') return helpCommand(rest);
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`mmexec: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    const args = parseCommandArgs(cmd, rest);
    if (args.flag('help')) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    if (cmd.readsEnv) loadDotEnv();
    return await cmd.run(args);
  } catch (err) {
    return report(cmd.name, err);
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
