/** Starts a gateway: load and compile the rule file, open the store, listen, and refuse obvious loops. */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config/load.js';
import { formatIssue } from '../errors.js';
import { createLogger, type LogFormat, type Logger } from '../log.js';
import type { BudgetRemaining } from '../metrics/budget-gauge.js';
import { createMetrics } from '../metrics/registry.js';
import { compilePlan } from '../plan/compile.js';
import type { Plan } from '../plan/types.js';
import { createStore } from '../state/create-store.js';
import { ObservedStore, StateErrors } from '../state/state-errors.js';
import { remainingBudgets } from '../team/budget-status.js';
import { unsafeBinding } from './safe-binding.js';
import { ThinkingStore } from '../thinking/thinking-store.js';
import { VERSION } from '../version.js';
import { createHandler } from './app.js';
import { answerClientErrors } from './client-error.js';
import { Gateway } from './gateway.js';

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

/** Loads and compiles a rule file; logs warnings. Throws ConfigError on problems. */
export function buildPlan(path: string, env: NodeJS.ProcessEnv, log: Logger, text?: string): Plan {
  const { plan, warnings } = compilePlan(loadConfig(path, { env, text }), env);
  for (const w of warnings) log.warn(formatIssue(w));
  return plan;
}

/** Starts listening; resolves once the port is bound. */
export async function startGateway(opts: StartOptions = {}): Promise<RunningGateway> {
  const env = opts.env ?? process.env;
  const log = opts.logger ?? createLogger({ format: opts.logFormat, level: opts.logLevel, silent: opts.silent });
  const configPath = opts.configPath ?? 'mmexec.yaml';
  const plan = buildPlan(configPath, env, log, opts.configText);
  const unsafe = unsafeBinding(plan, opts.host ?? plan.server.host);
  if (unsafe) throw new Error(unsafe);
  let gatewayRef: Gateway | undefined;
  const budgetRemaining = async (): Promise<BudgetRemaining[]> => (gatewayRef ? remainingBudgets(gatewayRef) : []);
  const metrics = createMetrics({ version: VERSION, prices: plan.prices, clientLabel: plan.clients.length > 0, logger: log, budgetRemaining });
  const recorder = metrics.recorder;
  const stateErrors = new StateErrors(recorder, log);
  const store = new ObservedStore(await createStore(plan.state, log, stateErrors), stateErrors);
  const thinking = new ThinkingStore(store, plan.state.thinkingTtlSeconds, (op, err) => stateErrors.failed(op, err));
  const instanceId = randomBytes(8).toString('hex');
  const gateway = new Gateway(plan, { store, stateErrors, thinking, recorder, log, instanceId, env }, metrics.registry, VERSION);
  gatewayRef = gateway;
  const server = createServer(createHandler(gateway)).listen(opts.port ?? plan.server.port, opts.host ?? plan.server.host);
  answerClientErrors(server);
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 80_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (err: unknown) => {
    await store.close(); // releases the state directory for the next attempt
    throw err;
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await store.close();
    for (const u of gateway.plan.upstreams.values()) u.agent.destroy();
  };
  const loop = selfLoop(plan, addr.port);
  if (loop) {
    await close();
    throw new Error(`upstream "${loop}" points at this gateway (port ${addr.port}); it would loop. Set its URL to the real upstream (e.g. ANTHROPIC_UPSTREAM_URL), not ANTHROPIC_BASE_URL.`);
  }
  return { url: `http://${host}:${addr.port}`, port: addr.port, gateway, server, close };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0', '[::]']);

/** Name of an upstream whose URL is this gateway's own address, if any. */
export function selfLoop(plan: Plan, port: number): string | undefined {
  for (const u of plan.upstreams.values()) {
    const uPort = Number(u.url.port || (u.url.protocol === 'https:' ? 443 : 80));
    if (uPort === port && (LOCAL_HOSTS.has(u.url.hostname) || u.url.hostname === plan.server.host)) return u.name;
  }
  return undefined;
}
