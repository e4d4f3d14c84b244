/** Runs an upstream's request stages (its profile included) on a body, without a server. */
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { NULL_RECORDER } from '../../src/metrics/types.js';
import { RequestContext, type Services } from '../../src/pipeline/context.js';
import { runUpstreamStages } from '../../src/pipeline/run-stages.js';
import { compilePlan } from '../../src/plan/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { parseBody } from '../../src/pipeline/parse-body.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { StateErrors } from '../../src/state/state-errors.js';
import { ThinkingStore } from '../../src/thinking/thinking-store.js';
import { ruleFile, writeRuleFile, type UpstreamSpec } from './rule-file-gateway.js';

/** A plan with these upstreams (each under http://127.0.0.1:9, never called) and one default route. */
export function planWith(upstreams: Record<string, string[]>, env: NodeJS.ProcessEnv = {}): Plan {
  const specs: Record<string, UpstreamSpec> = Object.fromEntries(Object.entries(upstreams).map(([k, extra]) => [k, { url: 'http://127.0.0.1:9', extra }]));
  return compilePlan(loadConfig(writeRuleFile(ruleFile(specs)), { env }), env).plan;
}

/** Closes the keep-alive agents of a plan. */
export function closePlan(plan: Plan): void {
  for (const u of plan.upstreams.values()) u.agent.destroy();
}

const services = (): Services => {
  const store = new MemoryStore();
  const log = createLogger({ silent: true });
  return { store, stateErrors: new StateErrors(NULL_RECORDER, log), thinking: new ThinkingStore(store, 60, () => {}), recorder: NULL_RECORDER, log, instanceId: 'test', env: {} };
};

/** The context after `upstream`'s stages ran on `body`, and the body it would send (parsed). */
export async function shape(plan: Plan, upstream: string, body: unknown, opts: { path?: string; headers?: Record<string, string> } = {}): Promise<{ ctx: RequestContext; sent: Record<string, unknown> }> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const path = opts.path ?? '/v1/messages';
  const ctx = new RequestContext('req_test', plan, services(), 'POST', path, { ...opts.headers }, raw, parseBody('POST', path, raw), { start: 0, bodyEnd: 0 });
  ctx.upstream = plan.upstreams.get(upstream);
  await runUpstreamStages(ctx);
  return { ctx, sent: JSON.parse(ctx.outgoingBody().toString('utf8')) as Record<string, unknown> };
}
