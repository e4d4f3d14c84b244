/**
 * Sends a request to its upstream with http-proxy and hands the answer (decoded) to the response pipe. Applies
 * the connect and first-byte timeouts and falls back to the upstream's fallback when it fails before any
 * response byte (connection error, 5xx, 529, timeout) — never after output started.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Stream } from 'node:stream';
import httpProxy from 'http-proxy';
import { GatewayError } from '../errors.js';
import type { UpstreamErrorKind } from '../metrics/types.js';
import type { RequestContext } from '../pipeline/context.js';
import { resetModel, responseStages, runUpstreamStages } from '../pipeline/run-stages.js';
import type { CompiledUpstream } from '../plan/types.js';
import { outgoingRequest } from '../protocols/outgoing.js';
import { outgoingHeaders } from './outgoing-headers.js';
import { passEncoded, sendBuffered } from './buffered-answer.js';
import { accepts, decodedBody, decodingFor } from './content-decoding.js';
import { isEventStream, pipeEventStream, type StreamOutcome } from './response-pipe.js';

type Attempt =
  | { ok: true; upstreamRes: IncomingMessage }
  | { ok: false; kind: UpstreamErrorKind; error: GatewayError };

interface Pending {
  onProxyReq(proxyReq: ClientRequest): void;
  onResponse(upstreamRes: IncomingMessage): void;
}

const pending = new WeakMap<IncomingMessage, Pending>();
const proxy = httpProxy.createProxyServer({ selfHandleResponse: true, changeOrigin: true, xfwd: false, ws: false });
proxy.on('proxyReq', (proxyReq, req) => pending.get(req)?.onProxyReq(proxyReq));
proxy.on('proxyRes', (upstreamRes, req) => pending.get(req)?.onResponse(upstreamRes));
proxy.on('error', () => {});
proxy.on('econnreset', () => {});

/** Upstream sockets that already carry the late-error guard (keep-alive sockets serve many requests). */
const guarded = new WeakSet<Socket>();
const ignore = (): void => {};

/**
 * Guards an upstream socket against errors after its request let go of it (a reset while the body is still
 * being written, once the answer arrived, would otherwise be an unhandled error), and arms the connect timeout
 * while it connects.
 */
function watchSocket(socket: Socket, connectMs: number, onTimeout: () => void, timers: NodeJS.Timeout[]): void {
  if (!guarded.has(socket)) {
    guarded.add(socket);
    socket.on('error', ignore);
  }
  if (!socket.connecting) return;
  const t = setTimeout(onTimeout, connectMs);
  timers.push(t);
  socket.once('connect', () => clearTimeout(t));
}

/** A body source http-proxy can pipe without creating a stream per request. */
function bodySource(body: Buffer): Stream {
  return { pipe: <T extends NodeJS.WritableStream>(dest: T): T => (dest.end(body), dest) } as unknown as Stream;
}

/** The bytes to send; a body too deep to re-serialise is the client's error, not the gateway's. */
function outgoingBody(ctx: RequestContext): Buffer {
  try {
    return ctx.outgoingBody();
  } catch (err) {
    if (err instanceof RangeError) throw new GatewayError('body_too_deep', 'request body is nested too deeply');
    throw err;
  }
}

/** The upstream request's headers; a missing upstream key is counted as that upstream's error. */
function headersFor(ctx: RequestContext, upstream: CompiledUpstream, bodyLength: number): IncomingMessage['headers'] {
  try {
    return outgoingHeaders(ctx.headers, upstream, bodyLength, ctx.services.instanceId, ctx.services.env) as IncomingMessage['headers'];
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'upstream_key_missing') ctx.services.recorder.upstreamError(upstream.name, 'missing_key');
    throw err;
  }
}

/** Sends one attempt to one upstream; resolves with its response head or its failure. */
function attempt(ctx: RequestContext, upstream: CompiledUpstream, req: IncomingMessage, res: ServerResponse): Promise<Attempt> {
  const { body, target, ignorePath } = outgoingRequest(ctx, upstream, () => outgoingBody(ctx));
  req.headers = headersFor(ctx, upstream, body.length);
  const name = upstream.name;
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    let proxyReq: ClientRequest | undefined;
    const timers: NodeJS.Timeout[] = [];
    const settle = (a: Attempt): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      pending.delete(req);
      res.removeListener('close', onClientClose);
      resolve(a);
    };
    const fail = (kind: UpstreamErrorKind, error: GatewayError): void => {
      proxyReq?.destroy();
      settle({ ok: false, kind, error });
    };
    const onClientClose = (): void => {
      proxyReq?.destroy();
      settle({ ok: false, kind: 'reset', error: new GatewayError('upstream_unreachable', 'client disconnected') });
    };
    res.once('close', onClientClose);
    pending.set(req, {
      onProxyReq(r) {
        proxyReq = r;
        const connectTimeout = (): void => fail('connect', new GatewayError('upstream_timeout', `upstream "${name}" did not accept a connection within ${upstream.timeouts.connectMs / 1000}s`));
        // http-proxy announces the request from inside its 'socket' event: the socket is usually there already.
        if (r.socket) watchSocket(r.socket, upstream.timeouts.connectMs, connectTimeout, timers);
        else r.once('socket', (socket: Socket) => watchSocket(socket, upstream.timeouts.connectMs, connectTimeout, timers));
      },
      onResponse(upstreamRes) {
        ctx.timings.firstByte ??= performance.now();
        settle({ ok: true, upstreamRes });
      },
    });
    timers.push(setTimeout(() => fail('first_byte_timeout', new GatewayError('upstream_timeout', `upstream "${name}" sent no response within ${upstream.timeouts.firstByteMs / 1000}s`)), upstream.timeouts.firstByteMs));
    ctx.timings.upstreamSend = performance.now();
    proxy.web(req, res, { target, ignorePath, buffer: bodySource(body), agent: upstream.agent }, (err: NodeJS.ErrnoException) => {
      const kind: UpstreamErrorKind = err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'connect';
      fail(kind, new GatewayError('upstream_unreachable', `upstream "${name}" is unreachable (${err.code ?? 'error'})`));
    });
  });
}

/** Retryable on the fallback: the upstream failed before sending any usable answer. */
function failedBeforeOutput(a: Attempt): boolean {
  return !a.ok || (a.upstreamRes.statusCode ?? 0) >= 500;
}

/** Runs the acceptance hook; when it fails (a fail-closed state store), the answer is dropped. */
async function accepted(upstreamRes: IncomingMessage, onAccepted: () => Promise<void>): Promise<void> {
  try {
    await onAccepted();
  } catch (err) {
    upstreamRes.destroy();
    throw err;
  }
}

/**
 * Forwards the request (upstream transforms already run for `ctx.upstream`), following fallbacks, and pipes
 * the answer. `onAccepted` runs once the answering upstream sent a 2xx head, before any byte reaches the
 * client. Resolves with how the answer ended; throws a GatewayError when no upstream answered.
 */
export async function forward(ctx: RequestContext, req: IncomingMessage, res: ServerResponse, onAccepted?: () => Promise<void>): Promise<StreamOutcome> {
  const tried = new Set<string>();
  let upstream = ctx.upstream!;
  for (;;) {
    tried.add(upstream.name);
    const a = await attempt(ctx, upstream, req, res);
    if (res.destroyed || res.writableEnded) {
      if (a.ok) a.upstreamRes.destroy();
      return 'client_gone';
    }
    const next = upstream.fallback ? ctx.plan.upstreams.get(upstream.fallback) : undefined;
    if (!a.ok) ctx.services.recorder.upstreamError(upstream.name, a.kind);
    else if ((a.upstreamRes.statusCode ?? 0) >= 500) ctx.services.recorder.upstreamError(upstream.name, 'http_5xx');
    if (next && !tried.has(next.name) && failedBeforeOutput(a)) {
      if (a.ok) a.upstreamRes.resume();
      ctx.log.warn('upstream failed, using fallback', { upstream: upstream.name, fallback: next.name, reason: a.ok ? `status ${a.upstreamRes.statusCode}` : a.kind });
      ctx.upstream = next;
      resetModel(ctx, next);
      await runUpstreamStages(ctx);
      upstream = ctx.upstream!;
      continue;
    }
    if (!a.ok) throw a.error;
    const status = a.upstreamRes.statusCode ?? 0;
    if (onAccepted && status >= 200 && status < 300) await accepted(a.upstreamRes, onAccepted);
    ctx.releaseBody();
    const outcome = await answer(ctx, a.upstreamRes, res, upstream);
    if (outcome === 'broken' || outcome === 'idle') ctx.services.recorder.upstreamError(upstream.name, outcome === 'idle' ? 'idle_timeout' : 'stream_broken');
    return outcome;
  }
}

/**
 * Sends the upstream's answer to the client, decoded when it came compressed. Throws a GatewayError (after
 * counting it) when a non-streaming answer fails before the client got anything.
 */
async function answer(ctx: RequestContext, upstreamRes: IncomingMessage, res: ServerResponse, upstream: CompiledUpstream): Promise<StreamOutcome> {
  const stages = responseStages(ctx, upstream);
  const decoding = decodingFor(upstreamRes.headers['content-encoding']);
  if (decoding.kind === 'unsupported') {
    ctx.log.warn('upstream answer in an encoding the gateway cannot decode', { upstream: upstream.name, encoding: decoding.coding });
    if (accepts(ctx.headers['accept-encoding'], decoding.coding)) return passEncoded(ctx, upstreamRes, res, stages, upstream);
    upstreamRes.destroy();
    ctx.services.recorder.upstreamError(upstream.name, 'stream_broken');
    throw new GatewayError('upstream_encoding_unsupported', `upstream "${upstream.name}" answered in the ${decoding.coding} encoding, which the gateway cannot decode and the client does not accept`);
  }
  const source = decodedBody(upstreamRes, decoding);
  if ((upstreamRes.statusCode ?? 0) < 300 && isEventStream(upstreamRes)) return pipeEventStream(ctx, upstreamRes, source, res, stages, upstream);
  try {
    return await sendBuffered(ctx, upstreamRes, source, res, stages, upstream);
  } catch (err) {
    if (err instanceof GatewayError) ctx.services.recorder.upstreamError(upstream.name, err.code === 'upstream_timeout' ? 'idle_timeout' : 'stream_broken');
    throw err;
  }
}
