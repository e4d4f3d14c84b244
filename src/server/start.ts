/** Starts a gateway: load and compile the rule file, open the store, listen, and refuse obvious loops. */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type LogFormat, type Logger } from '../log.js';
import type { BudgetRemaining } from '../metrics/budget-gauge.js';
import { createMetrics } from '../metrics/registry.js';
import { createStore } from '../state/create-store.js';
import { ObservedStore, StateErrors } from '../state/state-errors.js';
import { remainingBudgets } from '../team/budget-status.js';
import { ThinkingStore } from '../thinking/thinking-store.js';
import { VERSION } from '../version.js';
import { createHandler } from './app.js';
import { answerClientErrors } from './client-error.js';
import { Gateway } from './gateway.js';
import { buildPlan, checkPlan, Runtime } from './runtime.js';

/** How to start a gateway. */
export interface StartOptions {
  /** Rule file path (default ./mmexec.yaml). */
  configPath?: string;
  /** Rule file text instead of reading configPath (configPath still names it and anchors includes). */
  configText?: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides server.host / server.port (0 = a free port). */
  host?: string;
  port?: number;
  logFormat?: LogFormat;
  logLevel?: string;
  /** No log output (tests). */
  silent?: boolean;
  logger?: Logger;
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  port: number;
  gateway: Gateway;
  server: Server;
  close(): Promise<void>;
}

export { buildPlan } from './runtime.js';

/** Starts listening; resolves once the port is bound. */
export async function startGateway(opts: StartOptions = {}): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  const log = opts.logger ?? createLogger({ format: opts.logFormat, level: opts.logLevel, silent: opts.silent });
  const plan = buildPlan(opts.configPath ?? 'mmexec.yaml', env, log, opts.configText);
  const host = opts.host ?? plan.server.host;
  checkPlan(plan, { host });
  let gatewayRef: Gateway | undefined;
  const budgetRemaining = async (): Promise<BudgetRemaining[]> => (gatewayRef ? remainingBudgets(gatewayRef) : []);
  const metrics = createMetrics({ version: VERSION, prices: plan.prices, clientLabel: plan.clients.length > 0, logger: log, budgetRemaining });
  const stateErrors = new StateErrors(metrics.recorder, log);
  const store = new ObservedStore(await createStore(plan.state, log, stateErrors), stateErrors);
  const thinking = new ThinkingStore(store, plan.state.thinkingTtlSeconds, (op, err) => stateErrors.failed(op, err));
  const lasting = { store, stateErrors, thinking, log, instanceId: randomBytes(8).toString('hex'), env };
  const gateway = (gatewayRef = new Gateway(new Runtime(plan, { ...lasting, recorder: metrics.recorder }), metrics, VERSION));
  const server = await listen(gateway, opts.port ?? plan.server.port, host, () => store.close());
  const addr = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await gateway.ledger.flush();
    await store.close();
    gateway.close();
  };
  try {
    checkPlan(plan, { host, port: addr.port });
  } catch (err) {
    await close();
    throw err;
  }
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { url: `http://${shown}:${addr.port}`, port: addr.port, gateway, server, close };
}

/** Creates the server and binds it; on failure runs `cleanup` (releasing the state directory for a retry). */
async function listen(gateway: Gateway, port: number, host: string, cleanup: () => Promise<void>): Promise<Server> {
  const server = createServer(createHandler(gateway)).listen(port, host);
  answerClientErrors(server);
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (err: unknown) => {
    await cleanup();
    throw err;
  });
  return server;
}
