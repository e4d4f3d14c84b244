/**
 * Moves an upstream answer to the client. SSE is forwarded event by event as it arrives (never buffered),
 * with taps reading events and response transforms rewriting them; other bodies are buffered, given to the
 * stages, and sent whole. Backpressure from a slow client pauses the upstream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, type AnthropicErrorType } from '../errors.js';
import { WANTED_EVENTS } from '../metrics/usage.js';
import type { RequestContext } from '../pipeline/context.js';
import type { BufferedBody, ResponseHead, Stage } from '../pipeline/stage.js';
import { withoutHopByHop } from './outgoing-headers.js';
import { endWithErrorEvent, SseReader, type SseEvent } from './sse-reader.js';

/** Why a streamed answer ended (`shutdown`: cut by the gateway's drain deadline). */
export type StreamOutcome = 'complete' | 'broken' | 'idle' | 'client_gone' | 'shutdown';

/** Streams in flight, so a drain can end them through the same path as any other cut stream. */
const streaming = new WeakMap<ServerResponse, (type: AnthropicErrorType, message: string) => void>();

/**
 * Ends the SSE stream being piped to `res` with an Anthropic error event and closes it. Returns false when
 * `res` carries no stream in flight (not started, buffered, or already over).
 */
export function abortStream(res: ServerResponse, type: AnthropicErrorType, message: string): boolean {
  const abort = streaming.get(res);
  abort?.(type, message);
  return abort !== undefined;
}

const DROP_RESPONSE = new Set(['content-length', 'content-encoding']);

/** Response head for the client, after the stages' onResponseHead hooks. */
function headFor(ctx: RequestContext, upstreamRes: IncomingMessage, stages: readonly Stage[]): ResponseHead {
  const head: ResponseHead = { status: upstreamRes.statusCode ?? 502, headers: withoutHopByHop(upstreamRes.headers, DROP_RESPONSE) as ResponseHead['headers'] };
  for (const s of stages) s.onResponseHead?.(ctx, head);
  return head;
}

/** True for an SSE answer. */
export function isEventStream(res: IncomingMessage): boolean {
  return String(res.headers['content-type'] ?? '').includes('text/event-stream');
}

/** Streams an SSE answer; resolves with how it ended. Never rejects. */
export function pipeEventStream(ctx: RequestContext, upstreamRes: IncomingMessage, res: ServerResponse, stages: readonly Stage[], idleMs: number): Promise<StreamOutcome> {
  const head = headFor(ctx, upstreamRes, stages);
  res.writeHead(head.status, head.headers);
  res.flushHeaders();
  const reader = new SseReader();
  const wanted = new Set<string>(WANTED_EVENTS);
  for (const s of stages) for (const e of s.events ?? []) wanted.add(e);
  let finished = false;
  let idle: NodeJS.Timeout | undefined;

  return new Promise<StreamOutcome>((resolve) => {
    const finish = (outcome: StreamOutcome, errType?: AnthropicErrorType, message?: string): void => {
      if (finished) return;
      finished = true;
      streaming.delete(res);
      clearTimeout(idle);
      upstreamRes.removeListener('data', onData);
      if (outcome !== 'complete') upstreamRes.destroy();
      if (outcome === 'broken' || outcome === 'idle' || outcome === 'shutdown') {
        // Never let a cut stream look complete: send Anthropic's error event, then close the connection.
        endWithErrorEvent(res, errorBody(errType ?? 'api_error', message ?? 'upstream stream ended early'));
      } else if (outcome === 'complete') res.end();
      resolve(outcome);
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => finish('idle', 'overloaded_error', `upstream "${ctx.upstream?.name}" sent nothing for ${idleMs / 1000}s`), idleMs);
    };
    let sawStop = false;
    let sawError = false;
    const onData = (chunk: Buffer): void => {
      armIdle();
      let out = '';
      for (const ev of reader.push(chunk)) {
        if (ev.event === 'message_stop') sawStop = true;
        else if (ev.event === 'error') sawError = true;
        out += processEvent(ctx, ev, stages, wanted);
      }
      if (out && !res.write(out)) {
        // A slow reader is not an idle upstream: the idle clock stops while the client holds us back.
        clearTimeout(idle);
        upstreamRes.pause();
        res.once('drain', () => {
          if (finished) return;
          armIdle();
          upstreamRes.resume();
        });
      }
    };
    armIdle();
    streaming.set(res, (type, message) => finish('shutdown', type, message));
    upstreamRes.on('data', onData);
    upstreamRes.once('end', () => {
      const rest = reader.rest();
      if (rest.trim() && !res.destroyed) res.write(rest);
      if (sawStop || sawError) finish('complete');
      else finish('broken', 'api_error', `upstream "${ctx.upstream?.name}" ended the stream before message_stop`);
    });
    upstreamRes.once('error', () => finish('broken', 'api_error', `upstream "${ctx.upstream?.name}" connection failed mid-stream`));
    upstreamRes.once('aborted', () => finish('broken', 'api_error', `upstream "${ctx.upstream?.name}" connection failed mid-stream`));
    res.once('close', () => {
      if (!res.writableFinished) finish('client_gone');
    });
  });
}

/** Runs taps and transforms on one event; returns the text to send. */
function processEvent(ctx: RequestContext, ev: SseEvent, stages: readonly Stage[], wanted: ReadonlySet<string>): string {
  if (!wanted.has(ev.event)) return ev.raw;
  try {
    ev.json = JSON.parse(ev.data);
  } catch {
    return ev.raw;
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

/** Buffers a non-SSE answer, gives it to the stages, and sends it whole. Resolves when sent. */
export function sendBuffered(ctx: RequestContext, upstreamRes: IncomingMessage, res: ServerResponse, stages: readonly Stage[]): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    upstreamRes.on('data', (c: Buffer) => chunks.push(c));
    upstreamRes.once('error', () => resolve('broken'));
    upstreamRes.once('aborted', () => resolve('broken'));
    upstreamRes.once('end', () => {
      const raw = Buffer.concat(chunks);
      let body: BufferedBody = { status: upstreamRes.statusCode ?? 502, raw, json: parseJson(upstreamRes, raw) };
      if (body.status < 300) ctx.usage.fromMessage(body.json);
      for (const s of stages) body = s.onBody?.(ctx, body) ?? body;
      const head = headFor(ctx, upstreamRes, stages);
      head.status = body.status;
      Object.assign(head.headers, body.headers);
      head.headers['content-length'] = String(body.raw.length);
      // The client may be gone, or a drain may have answered for us, while the body was buffered.
      if (res.destroyed || res.headersSent) return resolve('client_gone');
      res.writeHead(head.status, head.headers);
      res.end(body.raw);
      resolve('complete');
    });
  });
}

function parseJson(res: IncomingMessage, raw: Buffer): unknown {
  if (!String(res.headers['content-type'] ?? '').includes('json') || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
