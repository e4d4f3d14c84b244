/** The typed per-request context. Created per request from the plan of the moment; never shared. */
import type { IncomingHttpHeaders } from 'node:http';
import type { StickyScope } from '../config/types.js';
import type { Logger } from '../log.js';
import type { MetricsRecorder } from '../metrics/types.js';
import { UsageTracker } from '../metrics/usage.js';
import type { CompiledRoute, CompiledUpstream, Plan } from '../plan/types.js';
import type { StateStore } from '../state/store.js';
import type { StateErrors } from '../state/state-errors.js';
import type { TeamRequest } from '../team/team-request.js';
import type { ThinkingStore } from '../thinking/thinking-store.js';
import type { RequestBody } from '../body/request-body.js';
import type { MessagesBody } from './messages.js';
import type { GatewayError } from '../errors.js';
import type { RequestCost } from '../metrics/types.js';
import { locateUserText, type TextLocation } from './user-text.js';

/** Long-lived services a request may use. */
export interface Services {
  store: StateStore;
  /** Counts state store failures and logs one warning per outage. */
  stateErrors: StateErrors;
  thinking: ThinkingStore;
  recorder: MetricsRecorder;
  log: Logger;
  /** Marks forwarded requests so the gateway can recognise its own traffic coming back. */
  instanceId: string;
  env: NodeJS.ProcessEnv;
}

/** Text matched by a last_user_text condition, kept so strip_trigger can remove it. */
export interface TriggerMatch {
  /** Where the user's words are. */
  at: TextLocation;
  /** The matched span, as offsets into `at.text`. */
  start: number;
  end: number;
}

/** Monotonic timings in milliseconds (performance.now()). */
export interface Timings {
  start: number;
  bodyEnd: number;
  /** When the last attempt was sent upstream. */
  upstreamSend?: number;
  /** When the answering upstream's response head arrived (cleared when an attempt fails). */
  firstByte?: number;
  /** The gateway's own time between the body's end and the answering attempt's send, without the time failed attempts waited for their upstream. */
  overheadMs?: number;
  end?: number;
}

/**
 * A typed key for per-request state that a shared stage keeps on the context (stages are created once per
 * plan, so they hold no per-request fields). Create one per stage module; `ctx.slot(key)` gives its value.
 */
export class RequestSlot<T> {
  constructor(
    readonly name: string,
    readonly init: (ctx: RequestContext) => T,
  ) {}
}

const EMPTY = Buffer.alloc(0);

/** Everything known about one request as it moves through the pipeline. */
export class RequestContext {
  session: string | undefined;
  client: string | undefined;
  /** Client identity and budget readings; set only when the plan has clients. */
  team: TeamRequest | undefined;
  /** Sticky state per scope, read once before routing. */
  readonly sticky: Partial<Record<StickyScope, string>> = {};
  route: CompiledRoute | undefined;
  upstream: CompiledUpstream | undefined;
  trigger: TriggerMatch | undefined;
  /** Ends the answer being streamed with an Anthropic error event (set while a stream is piped; a drain calls it). */
  cutStream: ((err: GatewayError) => void) | undefined;
  /** The request's cost, computed once when it is recorded and reused for metrics, budgets and logs. */
  cost: RequestCost | undefined;
  /** The model the client asked for. */
  readonly requestedModel: string | undefined;
  readonly usage = new UsageTracker();
  /** Thinking blocks converted to text in this request. */
  thinkingConverted = 0;
  /** What the upstream's provider profile changed, one line each (shown by explain). */
  readonly profileNotes: string[] = [];
  /** The upstream a profile moved this request away from (to one that can read its images), if any. */
  reroutedFrom: string | undefined;
  /** An answer a request stage made instead of the upstream (e.g. a local count_tokens estimate). */
  localReply: { status: number; json: unknown } | undefined;
  /** Status sent to the client. */
  status = 0;
  readonly timings: Timings;

  constructor(
    readonly id: string,
    readonly plan: Plan,
    readonly services: Services,
    readonly method: string,
    /** The URL as received, with query. */
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    raw: Buffer,
    payload: RequestBody | undefined,
    timings: Timings,
  ) {
    this.rawBody = raw;
    this.payload = payload;
    const model = payload?.field('model');
    this.requestedModel = typeof model === 'string' ? model : undefined;
    this.timings = timings;
  }

  /**
   * The whole body as an object. Reading it parses the full body once: routing code uses `field` and
   * `lastUserText` instead, so untouched requests are never fully parsed.
   */
  get body(): MessagesBody | undefined {
    return this.payload?.json;
  }

  /** A top-level body field, without parsing the rest. */
  field(key: string): unknown {
    return this.payload?.field(key);
  }

  /** Sets a top-level body field (spliced into the bytes when the body has not been parsed). */
  setField(key: string, value: unknown): void {
    this.payload?.setField(key, value);
  }

  /** True once a stage changed the body. */
  get changed(): boolean {
    return this.payload?.changed ?? false;
  }

  private lastText: TextLocation | undefined | null = null;
  private readonly slots = new Map<RequestSlot<unknown>, unknown>();

  /** The value of a per-request slot, created on first use. */
  slot<T>(key: RequestSlot<T>): T {
    if (this.slots.has(key)) return this.slots.get(key) as T;
    const value = key.init(this);
    this.slots.set(key, value);
    return value;
  }

  /** The value of a slot if it was created, without creating it. */
  peekSlot<T>(key: RequestSlot<T>): T | undefined {
    return this.slots.get(key) as T | undefined;
  }

  /** The user's latest words (see user-text.ts), located once; only the messages read are parsed. */
  lastUserText(): TextLocation | undefined {
    if (this.lastText === null) {
      const p = this.payload;
      this.lastText = p ? locateUserText(p.messageCount(), (i) => p.message(i)) : undefined;
    }
    return this.lastText;
  }

  private rawBody: Buffer;
  /** The JSON object body, parsed only as far as needed; undefined when the request has none (or once released). */
  payload: RequestBody | undefined;

  /** The body bytes as the client sent them (empty once released). */
  get raw(): Buffer {
    return this.rawBody;
  }

  /**
   * Drops the request body once the upstream has answered and no fallback can need it, so a long stream
   * does not keep its (possibly megabytes of) request alive.
   */
  releaseBody(): void {
    this.sentModel = this.upstreamModel;
    this.rawBody = EMPTY;
    this.payload = undefined;
  }

  private sentModel: string | undefined;

  /** The path without query string. */
  get path(): string {
    if (this.pathOnly === undefined) {
      const q = this.url.indexOf('?');
      this.pathOnly = q < 0 ? this.url : this.url.slice(0, q);
    }
    return this.pathOnly;
  }

  private pathOnly: string | undefined;

  /** Records that a stage changed the body. */
  markChanged(): void {
    this.payload?.markChanged();
  }

  /** The model sent upstream: the body's model after transforms. */
  get upstreamModel(): string | undefined {
    if (!this.payload) return this.sentModel;
    const model = this.payload.field('model');
    return typeof model === 'string' ? model : undefined;
  }

  /** The bytes to send upstream: the client's exact bytes unless a stage changed the body. */
  outgoingBody(): Buffer {
    return this.payload ? this.payload.outgoing() : this.raw;
  }

  private childLog: Logger | undefined;

  /** A child logger whose every line carries `request_id`; made on first use, so a quiet request costs nothing. */
  get log(): Logger {
    return (this.childLog ??= this.services.log.child({ request_id: this.id }));
  }
}

declare module './stage.js' {
  /** Stages and conditions are run with a RequestContext (see StageContext in stage.ts). */
  interface StageContext extends RequestContext {}
}
