/**
 * Moves an SSE answer to the client event by event as it arrives (never buffered), through the response
 * stages (taps read events, transforms rewrite them). Backpressure from a slow client pauses the upstream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError, type GatewayErrorCode } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import { eventsWanted, runEvent, runHead } from '../pipeline/run-stages.js';
import type { ResponseHead, ResponseStage } from '../pipeline/stage.js';
import type { CompiledUpstream } from '../plan/types.js';
import type { StreamAdapter } from '../protocols/types.js';
import { withoutHopByHop } from './outgoing-headers.js';
import { endWithErrorEvent, SseReader, type SseEvent } from './sse-reader.js';

/** Why a streamed answer ended (`shutdown`: cut by the gateway's drain deadline; `stage_failed`: a response stage threw mid-stream). */
export type StreamOutcome = 'complete' | 'broken' | 'idle' | 'client_gone' | 'shutdown' | 'stage_failed';

const DROP_RESPONSE = new Set(['content-length', 'content-encoding']);
const DROP_LENGTH = new Set(['content-length']);

/** How long a stream complete at message_stop may take to end before its upstream connection is closed. */
const AFTER_STOP_GRACE_MS = 1000;

/**
 * Response head for the client, after the stages' onResponseHead hooks (a stage's failure throws its
 * GatewayError). The body is sent decoded, so its encoding and length go, unless `keepEncoding`.
 */
export function headFor(ctx: RequestContext, upstreamRes: IncomingMessage, stages: readonly ResponseStage[], keepEncoding = false): ResponseHead {
  const drop = keepEncoding ? DROP_LENGTH : DROP_RESPONSE;
  const head: ResponseHead = { status: upstreamRes.statusCode ?? 502, headers: withoutHopByHop(upstreamRes.headers, drop) as ResponseHead['headers'] };
  runHead(ctx, stages, head);
  return head;
}

/** True for an SSE answer. */
export function isEventStream(res: IncomingMessage): boolean {
  return String(res.headers['content-type'] ?? '').includes('text/event-stream');
}

/**
 * Streams an SSE answer read from `source` (the decoded body of `upstreamRes`); resolves with how it ended.
 * The stream is over at `message_stop` (or an `error` event): nothing after it is sent or counted. Rejects
 * only when a stage fails on the head (nothing was sent yet).
 */
export function pipeEventStream(ctx: RequestContext, upstreamRes: IncomingMessage, source: Readable, res: ServerResponse, stages: readonly ResponseStage[], upstream: CompiledUpstream): Promise<StreamOutcome> {
  const head = headFor(ctx, upstreamRes, stages);
  res.writeHead(head.status, head.headers);
  res.flushHeaders();
  return new Promise<StreamOutcome>((resolve) => new EventPipe(ctx, upstreamRes, source, res, stages, upstream, resolve).start());
}

/** One streamed answer in flight. Created per response; never shared. */
class EventPipe {
  private readonly reader: SseReader;
  private readonly wanted: ReadonlySet<string> | undefined;
  private readonly decoded: boolean;
  /** Translates another protocol's events into Anthropic ones before any stage sees them. */
  private readonly adapter: StreamAdapter | undefined;
  private finished = false;
  private held = false;
  private idle: NodeJS.Timeout | undefined;
  private readonly onData = (chunk: Buffer): void => this.data(chunk);

  constructor(
    private readonly ctx: RequestContext,
    private readonly upstreamRes: IncomingMessage,
    private readonly source: Readable,
    private readonly res: ServerResponse,
    private readonly stages: readonly ResponseStage[],
    private readonly upstream: CompiledUpstream,
    private readonly resolve: (outcome: StreamOutcome) => void,
  ) {
    this.reader = new SseReader(upstream.limits.eventBytes);
    this.wanted = eventsWanted(stages);
    this.decoded = source !== upstreamRes;
    this.adapter = upstream.protocol?.createStreamAdapter(ctx.requestedModel);
  }

  start(): void {
    const { name } = this.upstream;
    this.idle = setTimeout(this.onIdle, this.upstream.timeouts.idleMs);
    this.ctx.cutStream = (err) => this.finish('shutdown', err);
    // A slow reader is not an idle upstream: the idle clock stops while the client holds us back.
    if (this.decoded) this.upstreamRes.on('data', () => !this.held && this.idle?.refresh());
    this.source.on('data', this.onData);
    this.source.once('end', () => {
      if (this.adapter) return this.endAdapted(this.adapter.end());
      // Text after the last complete event: an event the upstream never finished.
      const rest = this.reader.rest();
      this.cut('broken', 'upstream_stream_broken', `upstream "${name}" ended the stream before message_stop`, rest.trim() ? rest : '');
    });
    const broken = (): void => this.cut('broken', 'upstream_stream_broken', `upstream "${name}" connection failed mid-stream`);
    if (this.decoded) this.source.once('error', () => this.cut('broken', 'upstream_encoding_unsupported', `upstream "${name}" sent a stream that could not be decoded (${String(this.upstreamRes.headers['content-encoding'])})`));
    this.upstreamRes.once('error', broken);
    this.upstreamRes.once('aborted', broken);
    this.res.once('close', () => {
      if (!this.res.writableFinished) this.finish('client_gone');
    });
  }

  private readonly onIdle = (): void => this.cut('idle', 'upstream_stream_idle', `upstream "${this.upstream.name}" sent nothing for ${this.upstream.timeouts.idleMs / 1000}s`);

  private data(chunk: Buffer): void {
    if (!this.decoded) this.idle?.refresh();
    let out = '';
    for (const upstreamEv of this.reader.push(chunk)) {
      for (const ev of this.adapter ? this.adapter.push(upstreamEv) : [upstreamEv]) {
        const sent = this.send(ev, out);
        if (sent === undefined) return;
        out += sent;
        if (ev.event === 'message_stop' || ev.event === 'error') return this.finish('complete', undefined, out);
      }
    }
    if (this.reader.tooLarge) return this.cut('broken', 'upstream_event_too_large', `upstream "${this.upstream.name}" sent an SSE event larger than ${this.upstream.limits.eventBytes} bytes (limits.event)`, out);
    if (out && !this.res.write(out)) this.hold();
  }

  /** The text to send for one event, or undefined when a stage failed on it (the stream is then ended). */
  private send(ev: SseEvent, before = ''): string | undefined {
    try {
      return this.process(ev);
    } catch (err) {
      const failure = err instanceof GatewayError ? err : new GatewayError('transform_failed', String(err));
      this.finish('stage_failed', failure, before);
      return undefined;
    }
  }

  /** The translated stream's closing events: complete at message_stop; an error event it made ends it broken. */
  private endAdapted(events: SseEvent[]): void {
    let out = '';
    for (const ev of events) {
      const sent = this.send(ev, out);
      if (sent === undefined) return;
      out += sent;
      if (ev.event === 'message_stop') return this.finish('complete', undefined, out);
      if (ev.event === 'error') return this.finish('broken', undefined, out, true);
    }
    this.cut('broken', 'upstream_stream_broken', `upstream "${this.upstream.name}" ended the stream before its answer was complete`, out);
  }

  /** Pauses the upstream until the client drained what was written. */
  private hold(): void {
    this.held = true;
    clearTimeout(this.idle);
    this.source.pause();
    this.res.once('drain', () => {
      if (this.finished) return;
      this.held = false;
      this.idle = setTimeout(this.onIdle, this.upstream.timeouts.idleMs);
      this.source.resume();
    });
  }

  /** Runs the stages on one event; returns the text to send. Events no stage wants pass unparsed. */
  private process(ev: SseEvent): string {
    if (this.wanted && !this.wanted.has(ev.event)) return ev.raw;
    // Translated events come with `json` set.
    if (ev.json === undefined) {
      try {
        ev.json = JSON.parse(ev.data);
      } catch {
        return ev.raw;
      }
    }
    return runEvent(this.ctx, this.stages, ev).raw;
  }

  /** Ends the stream with the catalogue's error `code`. */
  private cut(outcome: StreamOutcome, code: GatewayErrorCode, message: string, last = ''): void {
    // The upstream's end after message_stop comes here too: no error (and its stack) is built then.
    if (!this.finished) this.finish(outcome, new GatewayError(code, message), last);
  }

  private finish(outcome: StreamOutcome, err?: GatewayError, last = '', errorSent = false): void {
    if (this.finished) return;
    this.finished = true;
    this.ctx.cutStream = undefined;
    clearTimeout(this.idle);
    this.source.removeListener('data', this.onData);
    if (outcome === 'complete') {
      this.res.end(last);
      closeAfterStop(this.upstreamRes, this.source);
    } else {
      this.upstreamRes.destroy();
      if (this.decoded) this.source.destroy();
      // Never let a cut stream look complete: send Anthropic's error event, then close the connection.
      if (errorSent) endStream(this.res, last);
      else if (outcome !== 'client_gone') endWithErrorEvent(this.res, err ?? new GatewayError('upstream_stream_broken', 'upstream stream ended early'), last);
    }
    this.resolve(outcome);
  }
}

/**
 * After message_stop the answer is over: whatever else the upstream sends is discarded. Its connection is
 * kept for reuse when the response ends soon after, else closed.
 */
function closeAfterStop(upstreamRes: IncomingMessage, source: Readable): void {
  if (source !== upstreamRes) {
    upstreamRes.unpipe();
    source.destroy();
  }
  if (!upstreamRes.complete) {
    const timer = setTimeout(() => upstreamRes.destroy(), AFTER_STOP_GRACE_MS);
    upstreamRes.once('end', () => clearTimeout(timer));
    upstreamRes.once('close', () => clearTimeout(timer));
  }
  upstreamRes.resume();
}

/** Sends the last text of a stream that already carries its error event, then closes the connection. */
function endStream(res: ServerResponse, last: string): void {
  if (res.destroyed) return;
  const socket = res.socket;
  res.end(last, () => socket?.destroy());
}
