/**
 * The guarded stage runner: every hook call of every stage goes through here. A stage that throws ends its
 * own response with an Anthropic error (an error JSON before the head is sent, an `event: error` after),
 * is counted in mmexec_stage_errors_total and logged; the process and other requests go on.
 */
import { GatewayError } from '../errors.js';
import type { CompiledUpstream } from '../plan/types.js';
import type { SseEvent } from '../upstream/sse-reader.js';
import type { RequestContext } from './context.js';
import type { BufferedBody, RequestStage, ResponseHead, ResponseStage } from './stage.js';

/** The hooks a stage may implement. */
export type StageHook = 'onRequest' | 'onResponseHead' | 'onEvent' | 'onBody' | 'onEnd';

/**
 * The error a stage's throw becomes. A GatewayError a request stage throws is its answer (e.g. a prompt over
 * the context window) and passes unchanged; a body too deep to serialise is the client's error; anything
 * else is the stage's failure: counted, logged with its stack, and answered 500 api_error.
 */
export function stageFailure(ctx: RequestContext, stage: { name: string }, hook: StageHook, err: unknown): GatewayError {
  if (hook === 'onRequest' && err instanceof GatewayError) return err;
  if (hook === 'onRequest' && err instanceof RangeError) return new GatewayError('body_too_deep', 'request body is nested too deeply');
  ctx.services.recorder.stageFailed(stage.name);
  ctx.log.error('stage failed', { request_id: ctx.id, stage: stage.name, hook, error: String((err as Error)?.stack ?? err) });
  return new GatewayError('transform_failed', `stage "${stage.name}" failed (${hook}); see the gateway log for request ${ctx.id}`);
}

/** Runs one stage's onRequest, guarded. */
async function requestHook(ctx: RequestContext, s: RequestStage): Promise<void> {
  try {
    const r = s.onRequest(ctx);
    if (r) await r;
  } catch (err) {
    throw stageFailure(ctx, s, 'onRequest', err);
  }
}

/** Runs the onRequest hook of each stage in order; stops early when a stage answered the request locally. */
export async function runRequestStages(ctx: RequestContext, stages: readonly RequestStage[]): Promise<void> {
  for (const s of stages) {
    await requestHook(ctx, s);
    if (ctx.localReply) return;
  }
}

/** A fallback or reroute target without a model of its own gets the client's model, not the one the last upstream set. */
export function resetModel(ctx: RequestContext, next: CompiledUpstream): void {
  if (next.model || ctx.requestedModel === undefined || ctx.field('model') === ctx.requestedModel) return;
  ctx.setField('model', ctx.requestedModel);
}

/** Runs one upstream's request stages until one moves the request elsewhere or answers it. */
async function runOnce(ctx: RequestContext, upstream: CompiledUpstream): Promise<void> {
  for (const s of upstream.requestStages) {
    await requestHook(ctx, s);
    if (ctx.upstream !== upstream || ctx.localReply) return;
  }
}

/**
 * Runs the request stages of `ctx.upstream`. A stage may move the request to another upstream (a profile
 * sending images to one that reads them): the rest of the old upstream's stages are skipped and the new
 * one's run, once; a second move is not followed.
 */
export async function runUpstreamStages(ctx: RequestContext): Promise<void> {
  for (let moves = 0; ; moves++) {
    const upstream = ctx.upstream!;
    await runOnce(ctx, upstream);
    if (ctx.upstream === upstream || ctx.localReply) return;
    if (moves > 0) {
      ctx.upstream = upstream;
      return;
    }
    resetModel(ctx, ctx.upstream!);
  }
}

/** Runs the onResponseHead hooks; throws the stage's failure (a GatewayError) before anything is sent. */
export function runHead(ctx: RequestContext, stages: readonly ResponseStage[], head: ResponseHead): void {
  for (const s of stages) {
    if (!s.onResponseHead) continue;
    try {
      s.onResponseHead(ctx, head);
    } catch (err) {
      throw stageFailure(ctx, s, 'onResponseHead', err);
    }
  }
}

/** Runs the onBody hooks in order, each on the previous one's result; throws the stage's failure. */
export function runBody(ctx: RequestContext, stages: readonly ResponseStage[], body: BufferedBody): BufferedBody {
  let current = body;
  for (const s of stages) {
    if (!s.onBody) continue;
    try {
      current = s.onBody(ctx, current) ?? current;
    } catch (err) {
      throw stageFailure(ctx, s, 'onBody', err);
    }
  }
  return current;
}

/** Runs the onEvent hooks a parsed event is for, in order; throws the stage's failure. */
export function runEvent(ctx: RequestContext, stages: readonly ResponseStage[], ev: SseEvent): SseEvent {
  let current = ev;
  for (const s of stages) {
    if (!s.onEvent || (s.events && !s.events.has(current.event))) continue;
    try {
      current = s.onEvent(ctx, current) ?? current;
    } catch (err) {
      throw stageFailure(ctx, s, 'onEvent', err);
    }
  }
  return current;
}

/** Runs the onEnd hooks; a failure is counted and logged, and the other stages still run. Never throws. */
export function runEnd(ctx: RequestContext, stages: readonly ResponseStage[]): void {
  for (const s of stages) {
    try {
      s.onEnd?.(ctx);
    } catch (err) {
      stageFailure(ctx, s, 'onEnd', err);
    }
  }
}

/**
 * The events whose data some stage needs parsed: the names the stages list, or undefined (every event) when
 * a stage with `onEvent` lists none.
 */
export function eventsWanted(stages: readonly ResponseStage[]): ReadonlySet<string> | undefined {
  const wanted = new Set<string>();
  for (const s of stages) {
    if (!s.onEvent) continue;
    if (!s.events) return undefined;
    for (const e of s.events) wanted.add(e);
  }
  return wanted;
}
