/** The `mmexec` command line. */
import { VERSION } from '../version.js';
import { parseArgs, type ParsedArgs } from './args.js';
import { serveCommand } from './commands/serve.js';
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
