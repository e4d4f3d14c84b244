/**
 * Moves an SSE answer to the client event by event as it arrives (never buffered), with taps reading events
 * and response transforms rewriting them. Backpressure from a slow client pauses the upstream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError, type GatewayErrorCode } from '../errors.js';
import { WANTED_EVENTS } from '../metrics/usage.js';
import type { RequestContext } from '../pipeline/context.js';
import type { ResponseHead, Stage } from '../pipeline/stage.js';
import type { CompiledUpstream } from '../plan/types.js';
import { withoutHopByHop } from './outgoing-headers.js';
import { endWithErrorEvent, SseReader, type SseEvent } from './sse-reader.js';

/** Why a streamed answer ended (`shutdown`: cut by the gateway's drain deadline). */
export type StreamOutcome = 'complete' | 'broken' | 'idle' | 'client_gone' | 'shutdown';

/** Streams in flight, so a drain can end them through the same path as any other cut stream. */
const streaming = new WeakMap<ServerResponse, (err: GatewayError) => void>();

/**
 * Ends the SSE stream being piped to `res` with an Anthropic error event and closes it. Returns false when
 * `res` carries no stream in flight (not started, buffered, or already over).
 */
export function abortStream(res: ServerResponse, err: GatewayError): boolean {
  const abort = streaming.get(res);
  abort?.(err);
  return abort !== undefined;
}

const DROP_RESPONSE = new Set(['content-length', 'content-encoding']);
const DROP_LENGTH = new Set(['content-length']);

/** How long a stream complete at message_stop may take to end before its upstream connection is closed. */
const AFTER_STOP_GRACE_MS = 1000;

/**
 * Response head for the client, after the stages' onResponseHead hooks. The body is sent decoded, so its
 * encoding and length go, unless `keepEncoding` (bytes forwarded as they came).
 */
export function headFor(ctx: RequestContext, upstreamRes: IncomingMessage, stages: readonly Stage[], keepEncoding = false): ResponseHead {
  const drop = keepEncoding ? DROP_LENGTH : DROP_RESPONSE;
  const head: ResponseHead = { status: upstreamRes.statusCode ?? 502, headers: withoutHopByHop(upstreamRes.headers, drop) as ResponseHead['headers'] };
  for (const s of stages) s.onResponseHead?.(ctx, head);
  return head;
}

/** True for an SSE answer. */
export function isEventStream(res: IncomingMessage): boolean {
  return String(res.headers['content-type'] ?? '').includes('text/event-stream');
}

/**
 * Streams an SSE answer read from `source` (the decoded body of `upstreamRes`); resolves with how it ended.
 * The stream is over at `message_stop` (or an `error` event): nothing after it is sent or counted. Never rejects.
 */
export function pipeEventStream(ctx: RequestContext, upstreamRes: IncomingMessage, source: Readable, res: ServerResponse, stages: readonly Stage[], upstream: CompiledUpstream): Promise<StreamOutcome> {
  const head = headFor(ctx, upstreamRes, stages);
  res.writeHead(head.status, head.headers);
  res.flushHeaders();
  const reader = new SseReader(upstream.limits.eventBytes);
  const wanted = new Set<string>(WANTED_EVENTS);
  for (const s of stages) for (const e of s.events ?? []) wanted.add(e);
  const { name } = upstream;
  const idleMs = upstream.timeouts.idleMs;
  const decoded = source !== upstreamRes;
  const adapter = upstream.protocol?.createStreamAdapter(ctx.requestedModel);
  let finished = false;
  let held = false;
  let idle: NodeJS.Timeout;

  return new Promise<StreamOutcome>((resolve) => {
    const finish = (outcome: StreamOutcome, err?: GatewayError, last = '', errorSent = false): void => {
      if (finished) return;
      finished = true;
      streaming.delete(res);
      clearTimeout(idle);
      source.removeListener('data', onData);
      if (outcome === 'complete') {
        res.end(last);
        closeAfterStop(upstreamRes, source);
      } else {
        upstreamRes.destroy();
        if (decoded) source.destroy();
        // Never let a cut stream look complete: send Anthropic's error event, then close the connection.
        if (errorSent) endStream(res, last);
        else if (outcome !== 'client_gone') endWithErrorEvent(res, err ?? new GatewayError('upstream_stream_broken', 'upstream stream ended early'), last);
      }
      resolve(outcome);
    };
    const cut = (outcome: StreamOutcome, code: GatewayErrorCode, message: string, last = ''): void => finish(outcome, new GatewayError(code, message), last);
    // The translated stream's closing events: complete at message_stop; an error event it made ends it broken.
    const endAdapted = (events: SseEvent[]): void => {
      let out = '';
      for (const ev of events) {
        out += processEvent(ctx, ev, stages, wanted);
        if (ev.event === 'message_stop') return finish('complete', undefined, out);
        if (ev.event === 'error') return finish('broken', undefined, out, true);
      }
      cut('broken', 'upstream_stream_broken', `upstream "${name}" ended the stream before its answer was complete`, out);
    };
    const onIdle = (): void => cut('idle', 'upstream_stream_idle', `upstream "${name}" sent nothing for ${idleMs / 1000}s`);
    // A slow reader is not an idle upstream: the idle clock stops while the client holds us back.
    const touch = (): void => {
      if (!held) idle.refresh();
    };
    const onData = (chunk: Buffer): void => {
      if (!decoded) idle.refresh();
      let out = '';
      for (const upstreamEv of reader.push(chunk)) {
        // Another protocol's events are translated here, before any stage sees them.
        for (const ev of adapter ? adapter.push(upstreamEv) : [upstreamEv]) {
          out += processEvent(ctx, ev, stages, wanted);
          if (ev.event === 'message_stop' || ev.event === 'error') return finish('complete', undefined, out);
        }
      }
      if (reader.tooLarge) return cut('broken', 'upstream_event_too_large', `upstream "${name}" sent an SSE event larger than ${upstream.limits.eventBytes} bytes (limits.event)`, out);
      if (out && !res.write(out)) {
        held = true;
        clearTimeout(idle);
        source.pause();
        res.once('drain', () => {
          if (finished) return;
          held = false;
          idle = setTimeout(onIdle, idleMs);
          source.resume();
        });
      }
    };
    idle = setTimeout(onIdle, idleMs);
    streaming.set(res, (err) => finish('shutdown', err));
    if (decoded) upstreamRes.on('data', touch);
    source.on('data', onData);
    source.once('end', () => {
      if (adapter) return endAdapted(adapter.end());
      // Text after the last complete event: an event the upstream never finished.
      const rest = reader.rest();
      cut('broken', 'upstream_stream_broken', `upstream "${name}" ended the stream before message_stop`, rest.trim() ? rest : '');
    });
    const broken = (): void => cut('broken', 'upstream_stream_broken', `upstream "${name}" connection failed mid-stream`);
    if (decoded) source.once('error', () => cut('broken', 'upstream_encoding_unsupported', `upstream "${name}" sent a stream that could not be decoded (${String(upstreamRes.headers['content-encoding'])})`));
    upstreamRes.once('error', broken);
    upstreamRes.once('aborted', broken);
    res.once('close', () => {
      if (!res.writableFinished) finish('client_gone');
    });
  });
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

/** Runs taps and transforms on one event; returns the text to send. Translated events come with `json` set. */
function processEvent(ctx: RequestContext, ev: SseEvent, stages: readonly Stage[], wanted: ReadonlySet<string>): string {
  if (!wanted.has(ev.event)) return ev.raw;
  if (ev.json === undefined) {
    try {
      ev.json = JSON.parse(ev.data);
    } catch {
      return ev.raw;
    }
  }
  if (WANTED_EVENTS.has(ev.event)) ctx.usage.onEvent(ev.event, ev.json);
  let current = ev;
  for (const s of stages) {
    if (!s.onEvent || (s.events && !s.events.has(current.event))) continue;
    const next = s.onEvent(ctx, current);
    if (next) current = next;
  }
  return current.raw;
}
