/**
 * The request path, written once: read → parse → session → admit → sticky → route → reply or forward →
 * record. The outside world comes in as a RequestIo (where the body comes from, where replies go, how
 * upstreams are reached), so `serve`, `mmexec explain` and rule tests all run this same function.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { debugRequest } from '../debug/debug-request.js';
import { asGatewayError, GatewayError } from '../errors.js';
import { declaredOnly, wantsModelList } from '../models/model-list.js';
import type { CompiledReply, Plan } from '../plan/types.js';
import { findSession } from '../state/session-key.js';
import { admitClient, chooseUpstream, recordSpend } from '../team/admit.js';
import { authenticate, type ClientIdentity } from '../team/auth.js';
import { LOOP_HEADER } from '../upstream/outgoing-headers.js';
import type { StreamOutcome } from '../upstream/response-pipe.js';
import { RequestContext, type Services } from './context.js';
import { forwardWithFallback } from './fallback.js';
import type { Forwarder } from './forwarder.js';
import { parseBody } from './parse-body.js';
import { recordRequest, type FinishedRequest } from './record.js';
import { nextRequestId } from './request-id.js';
import { runEnd, runRequestStages, runUpstreamStages } from './run-stages.js';
import { selectRoute, type RouteTrace } from './select-route.js';
import { responseStagesOf } from './stage-list.js';
import { applySticky, loadSticky } from './sticky.js';

/** The plan of the moment and the services built with it; a request keeps the one it started with. */
export interface Snapshot {
  readonly plan: Plan;
  readonly services: Services;
}

/** An answer the gateway makes itself: a route's reply, a stage's JSON answer, or the declared model list. */
export type LocalAnswer =
  | { readonly kind: 'route'; readonly reply: CompiledReply }
  | { readonly kind: 'stage'; readonly status: number; readonly json: unknown }
  | { readonly kind: 'models'; readonly raw: Buffer };

/** The outside world of one request. Created per request. */
export interface RequestIo {
  readonly method: string;
  /** The (normalised) URL with its query. */
  readonly url: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** A refusal decided before the path runs (a bad request target, a draining gateway). */
  readonly refused: GatewayError | undefined;
  /** Reads the whole body within the plan's size and time limits. */
  readBody(plan: Plan): Promise<Buffer>;
  /** Sends a local answer; returns its status. */
  reply(ctx: RequestContext, answer: LocalAnswer): number;
  /** Sends a gateway error (JSON, or an error event once a stream started). `bodyRead` false: the body was left unread. */
  fail(error: GatewayError, id: string, bodyRead: boolean): void;
  /** True once a response head was sent or the client went away. */
  answered(): boolean;
  /** The status the client got from a forwarded answer. */
  sentStatus(): number;
  readonly forwarder: Forwarder;
  /** Called once the context exists (serve registers it for the drain). */
  started?(ctx: RequestContext): void;
  /** Called once the request is recorded (serve hands it to the session ledger). */
  recorded?(ctx: RequestContext | undefined, finished: FinishedRequest): void;
}

/** What only dry runs ask of the path: route traces, a session override, state seeded before it is read. */
export interface PathOptions {
  id?: string;
  traces?: RouteTrace[];
  session?: string;
  beforeSticky?(ctx: RequestContext): Promise<void>;
}

/** How a request went; returned to dry runs. */
export interface RequestResult {
  readonly id: string;
  ctx: RequestContext | undefined;
  outcome: StreamOutcome | 'error';
  failure: GatewayError | undefined;
  bodyRead: boolean;
}

/** Runs one request from its first byte to its log line. Never rejects. */
export async function runRequest(snap: Snapshot, io: RequestIo, opts: PathOptions = {}): Promise<RequestResult> {
  const start = performance.now();
  const run: RequestResult = { id: opts.id ?? nextRequestId(), ctx: undefined, outcome: 'complete', failure: undefined, bodyRead: false };
  try {
    const identity = refuseEarly(snap, io);
    const ctx = (run.ctx = await readAndParse(snap, io, run, start));
    io.started?.(ctx);
    await sessionAndAdmission(ctx, identity, opts);
    await loadSticky(ctx);
    ctx.route = await selectRoute(ctx, opts.traces);
    run.outcome = await replyOrForward(ctx, io);
  } catch (err) {
    run.outcome = 'error';
    run.failure = failed(snap, io, run, err);
  } finally {
    if (run.ctx) runEnd(run.ctx, endStages(run.ctx));
  }
  const finished = recordRequest(snap.services, run.ctx, { id: run.id, method: io.method, url: io.url, start, status: run.ctx?.status || run.failure?.status || io.sentStatus(), outcome: run.outcome, error: run.failure });
  io.recorded?.(run.ctx, finished);
  if (run.ctx?.team?.readings) void recordSpend(run.ctx);
  return run;
}

/**
 * The read step's checks before the body: refusals, a request coming back through this gateway, and (with
 * clients configured) the client key, so a request without one is refused before its body is read.
 */
function refuseEarly(snap: Snapshot, io: RequestIo): ClientIdentity | undefined {
  if (io.refused) throw io.refused;
  const via = String(io.headers[LOOP_HEADER] ?? '');
  if (via && via.split(',').some((v) => v.trim() === snap.services.instanceId)) {
    throw new GatewayError('loop_detected', 'request loop detected: this request already passed through this gateway (check the upstream URLs)');
  }
  return snap.plan.clients.length > 0 ? authenticate(snap.plan, io.headers) : undefined;
}

/** Read and parse: the body within limits, checked, owned by the new context from here on. */
async function readAndParse(snap: Snapshot, io: RequestIo, run: RequestResult, start: number): Promise<RequestContext> {
  const raw = await io.readBody(snap.plan);
  run.bodyRead = true;
  const bodyEnd = performance.now();
  const payload = parseBody(io.method, io.path, raw);
  return new RequestContext(run.id, snap.plan, snap.services, io.method, io.url, { ...io.headers }, raw, payload, { start, bodyEnd });
}

/** Session and admission: the session key, then the client's budget (401 came earlier, 429 here). */
async function sessionAndAdmission(ctx: RequestContext, identity: ClientIdentity | undefined, opts: PathOptions): Promise<void> {
  ctx.session = opts.session ?? findSession(ctx.plan.sessions.sources, ctx.headers, () => ctx.field('metadata'));
  if (identity) await admitClient(ctx, identity);
  if (opts.beforeSticky) await opts.beforeSticky(ctx);
}

/** The route's local reply, a stage's local answer, or the forward (sticky state changes once accepted). */
async function replyOrForward(ctx: RequestContext, io: RequestIo): Promise<StreamOutcome> {
  const route = ctx.route!;
  const sticky = route.sticky;
  if (route.reply) {
    if (sticky) await applySticky(ctx, sticky);
    debugRequest(ctx);
    ctx.status = io.reply(ctx, { kind: 'route', reply: route.reply });
    return 'complete';
  }
  ctx.upstream = chooseUpstream(ctx, route.upstream!);
  await runRequestStages(ctx, route.requestStages);
  if (!ctx.localReply) await runUpstreamStages(ctx);
  debugRequest(ctx);
  if (ctx.localReply) {
    if (sticky) await applySticky(ctx, sticky);
    ctx.status = io.reply(ctx, { kind: 'stage', status: ctx.localReply.status, json: ctx.localReply.json });
    return 'complete';
  }
  const outcome = await forwardStep(ctx, io, sticky && (() => applySticky(ctx, sticky)));
  ctx.status = io.sentStatus();
  return outcome;
}

/**
 * The forward, with fallbacks. A first-page model list with declared models never fails on the upstream's
 * account: when no upstream answers, the declared models are answered alone.
 */
async function forwardStep(ctx: RequestContext, io: RequestIo, onAccepted: (() => Promise<void>) | undefined): Promise<StreamOutcome> {
  if (!wantsModelList(ctx)) return forwardWithFallback(ctx, io.forwarder, onAccepted);
  try {
    return await forwardWithFallback(ctx, io.forwarder);
  } catch (err) {
    if (!(err instanceof GatewayError) || io.answered()) throw err;
    io.reply(ctx, { kind: 'models', raw: declaredOnly(ctx, err.message) });
    return 'complete';
  }
}

/** The catch-all: any failure becomes an Anthropic error for the client; unexpected ones are logged. */
function failed(snap: Snapshot, io: RequestIo, run: RequestResult, err: unknown): GatewayError {
  const failure = asGatewayError(err);
  if (failure.code === 'internal') snap.services.log.error('request failed', { request_id: run.id, error: String((err as Error)?.stack ?? err) });
  io.fail(failure, run.id, run.bodyRead);
  if (run.ctx) run.ctx.status = failure.status;
  return failure;
}

/** The response stages whose onEnd runs once the request is over. */
function endStages(ctx: RequestContext): ReturnType<typeof responseStagesOf> {
  return ctx.upstream ? responseStagesOf(ctx, ctx.upstream) : [...(ctx.route?.responseStages ?? [])];
}
