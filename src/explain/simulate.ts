/**
 * Runs one request through the request path `serve` runs (src/pipeline/request-path.ts) with a dry-run
 * outside world: no upstream is called. Admission (401/429), budget reroutes, sticky state, routes with
 * their traces, request stages and fallbacks are decided by the same code. Used by `explain` and `test`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { StickyScope } from '../config/types.js';
import type { GatewayError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { NULL_RECORDER } from '../metrics/types.js';
import type { RequestContext, Services } from '../pipeline/context.js';
import type { MessagesBody } from '../pipeline/messages.js';
import { runRequest, type RequestResult } from '../pipeline/request-path.js';
import { userTextOf, wordsOf } from '../pipeline/user-text.js';
import type { RouteTrace } from '../pipeline/select-route.js';
import { requestStagesOf } from '../pipeline/stage-list.js';
import { scopeKey } from '../pipeline/sticky.js';
import type { CompiledRoute, CompiledUpstream, Plan } from '../plan/types.js';
import { MemoryStore } from '../state/memory-store.js';
import { StateErrors } from '../state/state-errors.js';
import { ThinkingStore } from '../thinking/thinking-store.js';
import { dryRunIo, type DryAttempt, type DryRunRecord } from './dry-run.js';

/** One simulated request. */
export interface SimulationInput {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact request bytes. */
  raw: Buffer;
  /** Session id that replaces the one the request carries. */
  session?: string;
  /** Sticky state before the request, per scope. */
  sticky?: Partial<Record<StickyScope, string>>;
  /** Upstreams that fail (as unreachable) in the dry run, to show their fallbacks. */
  failing?: readonly string[];
}

/** What the gateway would do with the request. */
export interface Simulation {
  traces: RouteTrace[];
  session: string | undefined;
  route: CompiledRoute | undefined;
  upstream: CompiledUpstream | undefined;
  /** Sticky state before, and after the route's sticky action (only the action's scope changes). */
  stickyBefore: Partial<Record<StickyScope, string>>;
  stickyAfter: Partial<Record<StickyScope, string>>;
  /** A local reply: status and rendered text. */
  reply: { status: number; text: string } | undefined;
  /** A failure the gateway would answer with (no route, invalid session, transform error ...). */
  error: GatewayError | undefined;
  /** The body as received (parsed separately, so stages cannot change it). */
  inputBody: MessagesBody | undefined;
  /** The body the upstream would receive. */
  outgoingBody: MessagesBody | undefined;
  /** True when a stage changed the body (otherwise the client's bytes are sent unchanged). */
  changed: boolean;
  /** The model and last user text the upstream would receive. */
  model: string | undefined;
  lastUserText: string | undefined;
  /** What the upstream's provider profile changed, one line each. */
  profileNotes: string[];
  /** The upstream a profile moved the request away from (on_image), if any. */
  reroutedFrom: string | undefined;
  /** The anthropic-beta header the upstream would receive (undefined: none). */
  betas: string | undefined;
  /** The authenticated client, when the plan has clients. */
  client: string | undefined;
  /** The route's upstream, when the client's budget moved the request to its over_budget upstream. */
  overBudgetFrom: string | undefined;
  /** For an upstream speaking another protocol: where the request goes, the translated body, and what was dropped. */
  protocol: DryAttempt['protocol'];
  /** Each upstream the request was sent to, in order (more than one: fallbacks). */
  attempts: DryAttempt[];
  /** The stages the request and its answer pass through, by name, in order (including the gateway's own). */
  requestStages: string[];
  responseStages: string[];
}

let quietLog: Logger | undefined;

/** Services for a simulation: a fresh memory store, a silent logger and a recorder that records nothing. */
function simulationServices(plan: Plan, env: NodeJS.ProcessEnv): Services {
  quietLog ??= createLogger({ silent: true });
  const store = new MemoryStore();
  const thinking = new ThinkingStore(store, plan.state.thinkingTtlSeconds, () => {});
  // DEBUG output is `serve`'s: a dry run writes no body dumps.
  return { store, stateErrors: new StateErrors(NULL_RECORDER, quietLog), thinking, recorder: NULL_RECORDER, log: quietLog, instanceId: 'mmexec-explain', env: { ...env, DEBUG: undefined } };
}

function parseCopy(raw: Buffer): MessagesBody | undefined {
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as MessagesBody) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the given sticky state where this request will read it. */
async function seedSticky(ctx: RequestContext, sticky: SimulationInput['sticky']): Promise<void> {
  for (const [scope, value] of Object.entries(sticky ?? {}) as Array<[StickyScope, string]>) {
    const at = scopeKey(ctx, scope);
    if (at) await ctx.services.store.set(at.ns, at.key, value);
  }
}

/** Simulates the request against a compiled plan. Never calls an upstream; never rejects for request errors. */
export async function simulate(plan: Plan, input: SimulationInput, env: NodeJS.ProcessEnv = process.env): Promise<Simulation> {
  const services = simulationServices(plan, env);
  const inputBody = parseCopy(input.raw);
  const { io, record } = dryRunIo({ ...input, inputBody, failing: new Set(input.failing ?? []) });
  const traces: RouteTrace[] = [];
  try {
    const run = await runRequest({ plan, services }, io, { id: 'req_explain', traces, session: input.session, beforeSticky: (ctx) => seedSticky(ctx, input.sticky) });
    return simulationOf(run, record, traces, inputBody);
  } finally {
    await services.store.close();
  }
}

/** The sticky state after the request: the route's action applied, when the request got that far. */
function stickyAfter(ctx: RequestContext | undefined, failed: boolean): Partial<Record<StickyScope, string>> {
  const after = { ...ctx?.sticky };
  const action = ctx?.route?.sticky;
  if (!action || failed) return after;
  if (action.op === 'set' && action.value !== undefined) after[action.scope] = action.value;
  else delete after[action.scope];
  return after;
}

/** Reads the simulation off the finished request and the dry run's record. */
function simulationOf(run: RequestResult, record: DryRunRecord, traces: RouteTrace[], inputBody: MessagesBody | undefined): Simulation {
  const ctx = run.ctx;
  const sent = record.attempts.at(-1);
  const outgoingBody = sent?.body ?? (ctx && !ctx.route?.reply ? (ctx.changed ? ctx.body : inputBody) : undefined);
  const route = ctx?.route;
  return {
    traces, session: ctx?.session, route, upstream: route?.reply ? undefined : ctx?.upstream,
    stickyBefore: { ...ctx?.sticky }, stickyAfter: stickyAfter(ctx, run.failure !== undefined), reply: record.reply, error: run.failure,
    inputBody, outgoingBody, changed: sent?.changed ?? ctx?.changed ?? false,
    model: typeof outgoingBody?.model === 'string' ? outgoingBody.model : undefined, lastUserText: wordsIn(outgoingBody),
    profileNotes: ctx?.profileNotes ?? [], reroutedFrom: ctx?.reroutedFrom, betas: sent?.betas,
    protocol: sent?.protocol, client: ctx?.client, overBudgetFrom: ctx?.team?.overBudgetFrom, attempts: record.attempts,
    requestStages: route && !route.reply ? requestStagesOf(route, ctx?.upstream).map((s) => s.name) : [],
    responseStages: record.responseStages ?? [],
  };
}

/** The user's words in a body, as an upstream would read them. */
function wordsIn(body: MessagesBody | undefined): string | undefined {
  const at = body ? userTextOf(body.messages) : undefined;
  return at && wordsOf(at);
}
