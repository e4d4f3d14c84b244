/**
 * The stage contract. A request stage changes the request before it is sent; a response stage reads or
 * rewrites the answer on its way to the client. Every hook call goes through the guarded runner
 * (run-stages.ts), so a stage that throws ends its own response with an Anthropic error, never the process.
 */
import type { SseEvent } from '../upstream/sse-reader.js';

/**
 * The per-request context stages and conditions are run with: the RequestContext of context.ts, which
 * fills this interface in (declaration merging). Declared empty here so that this contract, and the plan
 * types built on it, import nothing back from the request path.
 */
export interface StageContext {}

/** The response head as it will be sent to the client. Stages may change status and headers. */
export interface ResponseHead {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** A buffered non-streaming body (JSON answers and errors). */
export interface BufferedBody {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  raw: Buffer;
  /** Headers to add to the answer (a transform that rewrote the body may set them). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A compiled request stage, created once per plan and shared by requests: it keeps per-request state on
 * the context (`ctx.slot`), never in its own fields.
 */
export interface RequestStage {
  readonly name: string;
  /** May change the body through `ctx.body`/`ctx.setField` (and then call `ctx.markChanged()`), move the request to another upstream, or answer it (`ctx.localReply`). */
  onRequest(ctx: StageContext): void | Promise<void>;
}

/**
 * A compiled response stage, created once per plan and shared by requests; it implements only the hooks
 * it needs. A tap returns nothing; a transform returns the replacement.
 */
export interface ResponseStage {
  readonly name: string;
  /** The SSE events `onEvent` is called for; without it, `onEvent` sees every event. */
  readonly events?: ReadonlySet<string>;
  /** Response head (before any byte is sent to the client). */
  onResponseHead?(ctx: StageContext, head: ResponseHead): void;
  /** One SSE event, parsed (`ev.json`); return a replacement event to rewrite it. */
  onEvent?(ctx: StageContext, ev: SseEvent): SseEvent | void;
  /** A complete non-streaming body (2xx JSON or any error); return a replacement to rewrite it. */
  onBody?(ctx: StageContext, body: BufferedBody): BufferedBody | void;
  /** The response is over (complete, broken or aborted). */
  onEnd?(ctx: StageContext): void;
}

/** Either kind of stage (what the transform registry compiles). */
export type Stage = RequestStage | ResponseStage;

/** The two phases a stage may belong to. */
export type StagePhase = 'request' | 'response';

/** The stage type of a phase. */
export type StageOf<P extends StagePhase> = P extends 'request' ? RequestStage : ResponseStage;
