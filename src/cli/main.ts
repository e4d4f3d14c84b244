/** The `mmexec` command line. */
import { loadDotEnv } from '../config/dotenv.js';
import { ConfigError, formatIssue, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { commandHelp, commandUsage, parseCommandArgs, type Command } from './command.js';

/**
 * The commands, each loaded only when it runs (or for help): `mmexec statusline`, run by Claude Code at every
 * refresh, then starts without loading the server and its dependencies.
 */
const COMMANDS: ReadonlyArray<{ name: string; load: () => Promise<Command> }> = [
  { name: 'serve', load: async () => (await import('./commands/serve.js')).serveCommand },
  { name: 'validate', load: async () => (await import('./commands/validate.js')).validateCommand },
  { name: 'explain', load: async () => (await import('./commands/explain.js')).explainCommand },
  { name: 'test', load: async () => (await import('./commands/test.js')).testCommand },
  { name: 'status', load: async () => (await import('./commands/status.js')).statusCommand },
  { name: 'statusline', load: async () => (await import('./commands/statusline.js')).statuslineCommand },
  { name: 'claude', load: async () => (await import('./commands/claude.js')).claudeCommand },
  { name: 'doctor', load: async () => (await import('./commands/doctor.js')).doctorCommand },
  { name: 'init', load: async () => (await import('./commands/init.js')).initCommand },
];

/** The command called `name`, loaded; undefined when there is none. */
async function loadCommand(name: string): Promise<Command | undefined> {
  return COMMANDS.find((c) => c.name === name)?.load();
}

async function help(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  const lines = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}\n             ${commandUsage(c)}`);
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

async function helpCommand(rest: readonly string[]): Promise<number> {
  if (rest.length === 0) {
    process.stdout.write(await help());
    return 0;
  }
  const cmd = await loadCommand(rest[0]!);
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
  const cmd = await loadCommand(name);
  if (!cmd) {
    process.stderr.write(`mmexec: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}"\n\n${await help()}`);
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
