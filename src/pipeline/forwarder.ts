/**
 * The outside world of forwarding, passed into the request path: `serve` sends over HTTP
 * (src/upstream/forward.ts); `mmexec explain` records what would be sent and calls nothing.
 */
import type { GatewayError } from '../errors.js';
import type { UpstreamErrorKind } from '../metrics/types.js';
import type { CompiledUpstream } from '../plan/types.js';
import type { StreamOutcome } from '../upstream/response-pipe.js';
import type { RequestContext } from './context.js';
import type { ResponseStage } from './stage.js';

/** How one attempt at one upstream went: its answer's head arrived, or it failed before any. */
export type Attempt<A> =
  | { readonly ok: true; readonly status: number; readonly answer: A }
  | { readonly ok: false; readonly kind: UpstreamErrorKind; readonly error: GatewayError };

/** Sends requests to upstreams and answers to the client. Created per request. */
export interface Forwarder<A = unknown> {
  /**
   * Sends the request as it now is (body and model after the stages) to `upstream`. Resolves with the
   * answer's head or how the upstream failed; rejects only for the request's own errors (a missing key).
   */
  attempt(ctx: RequestContext, upstream: CompiledUpstream): Promise<Attempt<A>>;
  /** Drops an answer that will not be used (a 5xx replaced by a fallback, a client gone). */
  discard(answer: A): void;
  /**
   * Sends an accepted answer to the client through `stages`; resolves with how it ended. Rejects with a
   * GatewayError when it fails before the client got anything.
   */
  deliver(ctx: RequestContext, answer: A, upstream: CompiledUpstream, stages: readonly ResponseStage[]): Promise<StreamOutcome>;
  /** True once the client has gone or been answered (no further attempt is useful). */
  clientGone(): boolean;
}
