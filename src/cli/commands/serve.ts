/** `mmexec serve`: run the gateway until SIGTERM/SIGINT; SIGHUP reloads the rule file. */
import { parsePort } from '../../config/port.js';
import type { LogFormat } from '../../log.js';
import { installSignals } from '../../server/lifecycle.js';
import { startGateway } from '../../server/start.js';
import { VERSION } from '../../version.js';
import { CONFIG_OPTION, type Command, type CommandArgs } from '../command.js';
import { resolveConfigPath } from '../config-path.js';

/** Log levels `--log-level` accepts (winston's npm levels). */
const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

async function run(args: CommandArgs): Promise<number> {
  const configPath = resolveConfigPath(args.string('config'));
  const port = args.string('port');
  const running = await startGateway({
    configPath,
    host: args.string('host'),
    port: port !== undefined ? parsePort(port) : undefined,
    logFormat: args.string('log-format') as LogFormat | undefined,
    logLevel: args.string('log-level'),
  });
  installSignals(running, configPath);
  // Logged only once the signal handlers are in place, so a supervisor may stop the gateway right away.
  const { plan, services } = running.gateway;
  services.log.info(`mmexec ${VERSION} listening on ${running.url}`, { config: plan.files[0], digest: plan.digest, routes: plan.routes.length, state: services.store.kind });
  return -1;
}

/** `mmexec serve`. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gateway',
  description:
    'Runs the gateway in the foreground (after reading .env) until SIGTERM or SIGINT, which drain in-flight\n' +
    'streams first. SIGHUP, or a change of the rule file or an included file, reloads the rules.',
  exitCodes: '0 stopped by a signal, 1 it could not start (invalid configuration, port in use, ...), 2 wrong usage.',
  options: {
    config: CONFIG_OPTION,
    host: { type: 'string', value: 'ADDR', description: 'listen address (overrides server.host)' },
    port: { type: 'string', value: 'N', description: 'listen port, 0 for a free one (overrides server.port)', check: (v) => (parsePort(v) === undefined ? 'expected an integer from 0 to 65535' : undefined) },
    'log-format': { type: 'string', choices: ['auto', 'json', 'pretty'], description: 'log lines as JSON or readable text (auto: readable on a terminal)' },
    'log-level': { type: 'string', value: 'LEVEL', choices: LOG_LEVELS, description: 'least severe level logged (default info; debug when DEBUG is set)' },
  },
  readsEnv: true,
  run,
};
