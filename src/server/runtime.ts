/**
 * A runtime: a compiled plan and everything derived from it (the metrics recorder with its prices and
 * client label, the upstreams' keep-alive agents), built and checked beside the running one and swapped
 * with it as one. A retired runtime closes its agents once the requests that started on it are over.
 */
import { formatIssue } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/registry.js';
import { compilePlan } from '../plan/compile.js';
import { loadConfig } from '../config/load.js';
import type { Services } from '../pipeline/context.js';
import type { Snapshot } from '../pipeline/request-path.js';
import type { Plan } from '../plan/types.js';
import { selfLoop, selfLoopMessage, unsafeBinding } from './safe-binding.js';

/** The services that outlive reloads (everything in Services but the recorder). */
export type LastingServices = Omit<Services, 'recorder'>;

/** One plan's runtime. Requests hold it from start to end (`enter`/`leave`). */
export class Runtime implements Snapshot {
  private active = 0;
  private retired = false;

  constructor(
    readonly plan: Plan,
    readonly services: Services,
  ) {}

  /** A request starts on this runtime. */
  enter(): this {
    this.active++;
    return this;
  }

  /** A request that started on this runtime is over. */
  leave(): void {
    this.active--;
    if (this.retired && this.active === 0) this.closeAgents();
  }

  /** No new request will start here: the agents close now, or when the last request in flight ends. */
  retire(): void {
    this.retired = true;
    if (this.active === 0) this.closeAgents();
  }

  private closeAgents(): void {
    for (const u of this.plan.upstreams.values()) u.agent.destroy();
  }
}

/** Loads and compiles a rule file; logs warnings. Throws ConfigError on problems. */
export function buildPlan(path: string, env: NodeJS.ProcessEnv, log: Logger, text?: string): Plan {
  const { plan, warnings } = compilePlan(loadConfig(path, { env, text }), env);
  for (const w of warnings) log.warn(formatIssue(w));
  return plan;
}

/** Where the gateway listens (the checks a plan must pass there). */
export interface ListenAddress {
  host: string;
  /** The bound port, once known. */
  port?: number;
}

/**
 * Refuses a plan that may not serve on `at`: an open gateway on a network address, or an upstream that is
 * this gateway itself. Throws an Error naming the problem; the plan's agents are closed then.
 */
export function checkPlan(plan: Plan, at: ListenAddress): void {
  const problem = unsafeBinding(plan, at.host) ?? (at.port !== undefined ? selfLoopProblem(plan, at.port) : undefined);
  if (!problem) return;
  for (const u of plan.upstreams.values()) u.agent.destroy();
  throw new Error(problem);
}

function selfLoopProblem(plan: Plan, port: number): string | undefined {
  const loop = selfLoop(plan, port);
  return loop && selfLoopMessage(loop, port);
}

/** Builds a checked runtime for `plan`: its recorder comes from `metrics` with the plan's prices and client label. */
export function runtimeFor(plan: Plan, at: ListenAddress, metrics: Metrics, lasting: LastingServices): Runtime {
  checkPlan(plan, at);
  const recorder = metrics.recorderFor({ prices: plan.prices, clientLabel: plan.clients.length > 0 });
  return new Runtime(plan, { ...lasting, recorder });
}
