/**
 * The one stage interface. Route and upstream transforms, taps and metrics all implement it; each hook is
 * optional and a stage implements only the phases it cares about.
 */
import type { SseEvent } from '../upstream/sse-reader.js';
import type { RequestContext } from './context.js';

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
  onRequest?(ctx: RequestContext): void | Promise<void>;
  /** Event names whose data `onEvent` needs parsed; other events are passed without parsing. */
  readonly events?: ReadonlySet<string>;
  /** Response head (before any byte is sent to the client). */
  onResponseHead?(ctx: RequestContext, head: ResponseHead): void;
  /** One SSE event; return a replacement event to rewrite it. Taps return nothing. */
  onEvent?(ctx: RequestContext, ev: SseEvent): SseEvent | void;
  /** A complete non-streaming body (2xx JSON or any error); return a replacement to rewrite it. */
  onBody?(ctx: RequestContext, body: BufferedBody): BufferedBody | void;
  /** The response is over (complete, broken or aborted). */
  onEnd?(ctx: RequestContext): void;
}
