/**
 * The one stage interface. Route and upstream transforms, taps and metrics all implement it; each hook is
 * optional and a stage implements only the phases it cares about.
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

/** A compiled pipeline stage. Stages are created once per plan and shared by requests: no per-request fields. */
export interface Stage {
  readonly name: string;
  /** Request phase: may change the body through `ctx.body` and must then call `ctx.markChanged()`. */
  onRequest?(ctx: StageContext): void | Promise<void>;
  /** Event names whose data `onEvent` needs parsed; other events are passed without parsing. */
  readonly events?: ReadonlySet<string>;
  /** Response head (before any byte is sent to the client). */
  onResponseHead?(ctx: StageContext, head: ResponseHead): void;
  /** One SSE event; return a replacement event to rewrite it. Taps return nothing. */
  onEvent?(ctx: StageContext, ev: SseEvent): SseEvent | void;
  /** A complete non-streaming body (2xx JSON or any error); return a replacement to rewrite it. */
  onBody?(ctx: StageContext, body: BufferedBody): BufferedBody | void;
  /** The response is over (complete, broken or aborted). */
  onEnd?(ctx: StageContext): void;
}
