/**
 * Runs one request through the real routing pipeline without calling any upstream: session, sticky state,
 * first-match route with traces, sticky action, local reply or request stages. Used by `explain` and `test`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { StickyScope } from '../config/types.js';
import { asGatewayError, type GatewayError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { NULL_RECORDER } from '../metrics/types.js';
import { RequestContext, type Services } from '../pipeline/context.js';
import type { MessagesBody } from '../pipeline/messages.js';
import { userTextOf, wordsOf } from '../pipeline/user-text.js';
import { runRequestStages, runUpstreamStages } from '../pipeline/run-stages.js';
import { selectRoute, type RouteTrace } from '../pipeline/select-route.js';
import { applySticky, loadSticky, scopeKey } from '../pipeline/sticky.js';
import type { CompiledRoute, CompiledUpstream, Plan } from '../plan/types.js';
import { renderReplyText } from '../server/local-reply.js';
import { parseBody } from '../server/parse-body.js';
import { MemoryStore } from '../state/memory-store.js';
import { StateErrors } from '../state/state-errors.js';
import { findSession } from '../state/session-key.js';
import { ThinkingStore } from '../thinking/thinking-store.js';
import { filterBetas } from '../profiles/betas.js';
import { protocolTarget, translateFor } from '../protocols/outgoing.js';

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
  /** For an upstream speaking another protocol: where the request goes, the translated body, and what was dropped. */
  protocol: { name: string; target: string; body: unknown; notes: string[] } | undefined;
}

let quietLog: Logger | undefined;

/** Services for a simulation: a fresh memory store, a silent logger and a recorder that records nothing. */
function simulationServices(plan: Plan, env: NodeJS.ProcessEnv): Services {
  quietLog ??= createLogger({ silent: true });
  const store = new MemoryStore();
  const thinking = new ThinkingStore(store, plan.state.thinkingTtlSeconds, () => {});
  return { store, stateErrors: new StateErrors(NULL_RECORDER, quietLog), thinking, recorder: NULL_RECORDER, log: quietLog, instanceId: 'mmexec-explain', env };
}

function parseCopy(raw: Buffer): MessagesBody | undefined {
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as MessagesBody) : undefined;
  } catch {
    return undefined;
  }
}

/** Simulates the request against a compiled plan. Never calls an upstream; never rejects for request errors. */
export async function simulate(plan: Plan, input: SimulationInput, env: NodeJS.ProcessEnv = process.env): Promise<Simulation> {
  const services = simulationServices(plan, env);
  const out: Simulation = {
    traces: [], session: undefined, route: undefined, upstream: undefined, stickyBefore: {}, stickyAfter: {}, reply: undefined,
    error: undefined, inputBody: parseCopy(input.raw), outgoingBody: undefined, changed: false, model: undefined, lastUserText: undefined,
    profileNotes: [], reroutedFrom: undefined, betas: undefined, protocol: undefined,
  };
  try {
    const now = performance.now();
    const body = parseBody(input.method, input.path, input.raw);
    const ctx = new RequestContext('req_explain', plan, services, input.method, input.path, input.headers, input.raw, body, { start: now, bodyEnd: now });
    ctx.session = input.session ?? findSession(plan.sessions.sources, input.headers, () => body?.field('metadata'));
    out.session = ctx.session;
    for (const [scope, value] of Object.entries(input.sticky ?? {}) as Array<[StickyScope, string]>) {
      const at = scopeKey(ctx, scope);
      if (at) await services.store.set(at.ns, at.key, value);
    }
    await loadSticky(ctx);
    out.stickyBefore = { ...ctx.sticky };
    out.stickyAfter = { ...ctx.sticky };
    const route = await selectRoute(ctx, out.traces);
    ctx.route = out.route = route;
    if (route.sticky) {
      await applySticky(ctx, route.sticky);
      const after = route.sticky.op === 'set' ? route.sticky.value : undefined;
      if (after === undefined) delete out.stickyAfter[route.sticky.scope];
      else out.stickyAfter[route.sticky.scope] = after;
    }
    if (route.reply) {
      out.reply = { status: route.reply.status, text: renderReplyText(ctx, route.reply) };
      return out;
    }
    ctx.upstream = out.upstream = route.upstream;
    out.profileNotes = ctx.profileNotes;
    await runRequestStages(ctx, route.requestStages);
    if (route.upstream) await runUpstreamStages(ctx);
    out.upstream = ctx.upstream;
    out.reroutedFrom = ctx.reroutedFrom;
    if (ctx.localReply) out.reply = { status: ctx.localReply.status, text: JSON.stringify(ctx.localReply.json) };
    if (ctx.upstream) out.betas = outgoingBetas(input.headers, ctx.upstream);
    out.changed = ctx.changed;
    out.outgoingBody = ctx.changed ? ctx.body : out.inputBody;
    out.model = typeof out.outgoingBody?.model === 'string' ? out.outgoingBody.model : undefined;
    out.lastUserText = wordsIn(out.outgoingBody);
    const protocol = ctx.upstream?.protocol;
    if (protocol && !ctx.localReply) {
      const t = translateFor(ctx, ctx.upstream!, protocol);
      out.protocol = { name: protocol.name, target: protocolTarget(ctx.upstream!, protocol), body: t.body, notes: t.notes };
    }
  } catch (err) {
    out.error = asGatewayError(err);
  } finally {
    await services.store.close();
  }
  return out;
}

/** The user's words in a body, as an upstream would read them. */
function wordsIn(body: MessagesBody | undefined): string | undefined {
  const at = body ? userTextOf(body.messages) : undefined;
  return at && wordsOf(at);
}

/** The anthropic-beta header an upstream gets: unchanged, or filtered by its profile. */
function outgoingBetas(headers: IncomingHttpHeaders, upstream: CompiledUpstream): string | undefined {
  const given = headers['anthropic-beta'];
  if (upstream.profile) return filterBetas(given, upstream.profile.profile.betas).value;
  return Array.isArray(given) ? given.join(',') : given;
}
