/** `mmexec serve`: run the gateway until SIGTERM/SIGINT; SIGHUP reloads the rule file. */
import { existsSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import type { LogFormat } from '../../log.js';
import { installSignals } from '../../server/lifecycle.js';
import { startGateway } from '../../server/start.js';
import { VERSION } from '../../version.js';
import { option, type ParsedArgs } from '../args.js';
import { resolveConfigPath } from '../config-path.js';

/** Runs serve; resolves with an exit code only when startup fails (otherwise the process runs on). */
export async function serveCommand(args: ParsedArgs): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const configPath = resolveConfigPath(option(args, 'config'));
  const port = option(args, 'port');
  try {
    const running = await startGateway({
      configPath,
      host: option(args, 'host'),
      port: port !== undefined ? Number(port) : undefined,
      logFormat: option(args, 'log-format') as LogFormat | undefined,
      logLevel: option(args, 'log-level'),
    });
    installSignals(running, configPath);
    // Logged only once the signal handlers are in place, so a supervisor may stop the gateway right away.
    const { plan, services } = running.gateway;
    services.log.info(`mmexec ${VERSION} listening on ${running.url}`, { config: plan.files[0], digest: plan.digest, routes: plan.routes.length, state: services.store.kind });
    return -1;
  } catch (err) {
    process.stderr.write(`mmexec: ${err instanceof ConfigError ? `invalid configuration:\n${err.message}` : (err as Error).message}\n`);
    return 1;
  }
}
