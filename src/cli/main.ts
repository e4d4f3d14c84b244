/** The `mmexec` command line. */
import { VERSION } from '../version.js';
import { parseArgs, type ParsedArgs } from './args.js';
import { explainCommand } from './commands/explain.js';
import { initCommand } from './commands/init.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { testCommand } from './commands/test.js';
import { validateCommand } from './commands/validate.js';

/** A subcommand: returns an exit code, or -1 to keep the process running (serve). */
interface Command {
  summary: string;
  usage: string;
  booleans?: string[];
  run(args: ParsedArgs): number | Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'run the gateway',
    usage: 'mmexec serve [--config FILE] [--host ADDR] [--port N] [--log-format auto|json|pretty] [--log-level LEVEL]',
    run: serveCommand,
  },
  validate: {
    summary: 'check a rule file and list every error',
    usage: 'mmexec validate [--config FILE]',
    run: validateCommand,
  },
  explain: {
    summary: 'show what the rules do with a request, without calling any upstream',
    usage: 'mmexec explain [--config FILE] [<request.json>|-] [--text TEXT] [--session ID] [--sticky [SCOPE=]VALUE] [--header K:V] [--path P] [--method M]',
    run: explainCommand,
  },
  test: {
    summary: 'run rule tests (without files: the tests of the rules ./mmexec.yaml uses)',
    usage: 'mmexec test [files...] [--config FILE] [--quiet]',
    booleans: ['quiet'],
    run: testCommand,
  },
  status: {
    summary: "show a running gateway's routes, upstream health, sticky sessions, uptime, cost and savings",
    usage: 'mmexec status [--url URL] [--token TOKEN] [--json]',
    booleans: ['json'],
    run: statusCommand,
  },
  init: {
    summary: 'write a commented starter mmexec.yaml',
    usage: 'mmexec init [FILE] [--force]',
    booleans: ['force'],
    run: initCommand,
  },
};

function help(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}\n             ${c.usage}`);
  return `mmexec ${VERSION}: a rule-driven gateway for the Anthropic Messages API\n\nUsage: mmexec <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nWithout --config, commands use ./mmexec.yaml, else the bundled default.\nOptions: --help, --version\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`mmexec: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let args: ParsedArgs;
  try {
    args = parseArgs(rest, cmd.booleans);
  } catch (err) {
    process.stderr.write(`mmexec ${name}: ${(err as Error).message}\nUsage: ${cmd.usage}\n`);
    return 2;
  }
  if (args.flags.has('help')) {
    process.stdout.write(`Usage: ${cmd.usage}\n`);
    return 0;
  }
  return cmd.run(args);
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
