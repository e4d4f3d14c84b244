/**
 * The HTTP forwarder of `serve`: sends one attempt to an upstream with http-proxy (connect and first-byte
 * timeouts applied) and hands an accepted answer, decoded, to the response pipe. Fallbacks are the request
 * path's decision (src/pipeline/fallback.ts).
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Stream } from 'node:stream';
import httpProxy from 'http-proxy';
import { GatewayError } from '../errors.js';
import type { UpstreamErrorKind } from '../metrics/types.js';
import type { RequestContext } from '../pipeline/context.js';
import type { Attempt, Forwarder } from '../pipeline/forwarder.js';
import type { ResponseStage } from '../pipeline/stage.js';
import type { CompiledUpstream } from '../plan/types.js';
import { outgoingRequest } from '../protocols/outgoing.js';
import { outgoingHeaders } from './outgoing-headers.js';
import { passEncoded, sendBuffered } from './buffered-answer.js';
import { accepts, decodedBody, decodingFor } from './content-decoding.js';
import { isEventStream, pipeEventStream, type StreamOutcome } from './response-pipe.js';

/** Per-attempt hooks, carried to http-proxy's events in the options of the attempt (no lookup table). */
interface AttemptOptions extends httpProxy.ServerOptions {
  onProxyReq(proxyReq: ClientRequest): void;
}

const proxy = httpProxy.createProxyServer({ selfHandleResponse: true, changeOrigin: true, xfwd: false, ws: false });
proxy.on('proxyReq', (proxyReq, _req, _res, options) => (options as AttemptOptions).onProxyReq?.(proxyReq));
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

/** An upstream URL in the shape http-proxy reads (url.parse's): given a string, it parses it on every request. */
interface ProxyTarget {
  protocol: string;
  host: string;
  hostname: string;
  port: string;
  path: string;
}

/** Targets by URL, built once; plans name a handful of URLs, so the bound only guards against endless reloads. */
const proxyTargets = new Map<string, ProxyTarget>();

function proxyTarget(href: string): ProxyTarget {
  let t = proxyTargets.get(href);
  if (!t) {
    const u = new URL(href);
    // url.parse gives an IPv6 hostname without its brackets; `host` keeps them.
    t = { protocol: u.protocol, host: u.host, hostname: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port, path: u.pathname + u.search };
    if (proxyTargets.size >= 1000) proxyTargets.clear();
    proxyTargets.set(href, t);
  }
  return t;
}

/**
 * A body source http-proxy can pipe without creating a stream per request. It lets go of the bytes once they
 * are handed to the upstream request: http-proxy keeps its options, and so this source, for as long as the
 * answer streams, and a stream must not keep its request body alive.
 */
function bodySource(body: Buffer): Stream {
  let bytes: Buffer | undefined = body;
  const pipe = <T extends NodeJS.WritableStream>(dest: T): T => {
    const b = bytes;
    bytes = undefined;
    if (b) dest.end(b);
    else dest.end();
    return dest;
  };
  return { pipe } as unknown as Stream;
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

/** The failures of one attempt, with the settle-once logic shared by its timers and events. */
function attemptSettler(res: ServerResponse, resolve: (a: Attempt<IncomingMessage>) => void): { settle(a: Attempt<IncomingMessage>): void; fail(kind: UpstreamErrorKind, error: GatewayError): void; timers: NodeJS.Timeout[]; bind(r: ClientRequest): void } {
  let settled = false;
  let proxyReq: ClientRequest | undefined;
  const timers: NodeJS.Timeout[] = [];
  const settle = (a: Attempt<IncomingMessage>): void => {
    if (settled) return;
    settled = true;
    timers.forEach(clearTimeout);
    res.removeListener('close', onClientClose);
    resolve(a);
  };
  const fail = (kind: UpstreamErrorKind, error: GatewayError): void => {
    proxyReq?.destroy();
    settle({ ok: false, kind, error });
  };
  const onClientClose = (): void => fail('reset', new GatewayError('upstream_unreachable', 'client disconnected'));
  res.once('close', onClientClose);
  return { settle, fail, timers, bind: (r) => (proxyReq = r) };
}

/**
 * The target and body source of one attempt, with `req.headers` set for it. Made apart from `attempt` so the
 * bytes stay out of the closures of the attempt, which live as long as its answer streams.
 */
function prepare(ctx: RequestContext, upstream: CompiledUpstream, req: IncomingMessage): { source: Stream; target: string; ignorePath: boolean } {
  const { body, target, ignorePath } = outgoingRequest(ctx, upstream, () => outgoingBody(ctx));
  req.headers = headersFor(ctx, upstream, body.length);
  return { source: bodySource(body), target, ignorePath };
}

/** Sends one attempt to one upstream; resolves with its response head or its failure. */
function attempt(ctx: RequestContext, upstream: CompiledUpstream, req: IncomingMessage, res: ServerResponse): Promise<Attempt<IncomingMessage>> {
  const { source, target, ignorePath } = prepare(ctx, upstream, req);
  const { name, timeouts } = upstream;
  return new Promise<Attempt<IncomingMessage>>((resolve) => {
    const a = attemptSettler(res, resolve);
    const connectTimeout = (): void => a.fail('connect', new GatewayError('upstream_timeout', `upstream "${name}" did not accept a connection within ${timeouts.connectMs / 1000}s`));
    const onProxyReq = (r: ClientRequest): void => {
      a.bind(r);
      r.once('response', (upstreamRes: IncomingMessage) => a.settle({ ok: true, status: upstreamRes.statusCode ?? 0, answer: upstreamRes }));
      // http-proxy announces the request from inside its 'socket' event: the socket is usually there already.
      if (r.socket) watchSocket(r.socket, timeouts.connectMs, connectTimeout, a.timers);
      else r.once('socket', (socket: Socket) => watchSocket(socket, timeouts.connectMs, connectTimeout, a.timers));
    };
    a.timers.push(setTimeout(() => a.fail('first_byte_timeout', new GatewayError('upstream_timeout', `upstream "${name}" sent no response within ${timeouts.firstByteMs / 1000}s`)), timeouts.firstByteMs));
    const options: AttemptOptions = { target: proxyTarget(target), ignorePath, buffer: source, agent: upstream.agent, onProxyReq };
    proxy.web(req, res, options, (err: NodeJS.ErrnoException) => {
      const kind: UpstreamErrorKind = err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'connect';
      a.fail(kind, new GatewayError('upstream_unreachable', `upstream "${name}" is unreachable (${err.code ?? 'error'})`));
    });
  });
}

/** The forwarder `serve` passes to the request path: real upstreams over HTTP, answers to `res`. */
export function httpForwarder(req: IncomingMessage, res: ServerResponse): Forwarder<IncomingMessage> {
  return {
    attempt: (ctx, upstream) => attempt(ctx, upstream, req, res),
    discard: (upstreamRes) => void (upstreamRes.statusCode !== undefined && upstreamRes.statusCode >= 500 ? upstreamRes.resume() : upstreamRes.destroy()),
    deliver: (ctx, upstreamRes, upstream, stages) => answer(ctx, upstreamRes, res, upstream, stages),
    clientGone: () => res.destroyed || res.writableEnded,
  };
}

/**
 * Sends the upstream's answer to the client, decoded when it came compressed. Throws a GatewayError (after
 * counting it) when a non-streaming answer fails before the client got anything, or a stage fails on it.
 */
async function answer(ctx: RequestContext, upstreamRes: IncomingMessage, res: ServerResponse, upstream: CompiledUpstream, stages: readonly ResponseStage[]): Promise<StreamOutcome> {
  try {
    return await pipeAnswer(ctx, upstreamRes, res, upstream, stages);
  } catch (err) {
    upstreamRes.destroy();
    // A stage's own failure is counted as the stage's, not the upstream's.
    if (err instanceof GatewayError && err.code !== 'transform_failed' && err.code !== 'upstream_encoding_unsupported') {
      ctx.services.recorder.upstreamError(upstream.name, err.code === 'upstream_timeout' ? 'idle_timeout' : 'stream_broken');
    }
    throw err;
  }
}

async function pipeAnswer(ctx: RequestContext, upstreamRes: IncomingMessage, res: ServerResponse, upstream: CompiledUpstream, stages: readonly ResponseStage[]): Promise<StreamOutcome> {
  const decoding = decodingFor(upstreamRes.headers['content-encoding']);
  if (decoding.kind === 'unsupported') {
    ctx.log.warn('upstream answer in an encoding the gateway cannot decode', { upstream: upstream.name, encoding: decoding.coding });
    if (accepts(ctx.headers['accept-encoding'], decoding.coding)) return passEncoded(ctx, upstreamRes, res, stages, upstream);
    ctx.services.recorder.upstreamError(upstream.name, 'stream_broken');
    throw new GatewayError('upstream_encoding_unsupported', `upstream "${upstream.name}" answered in the ${decoding.coding} encoding, which the gateway cannot decode and the client does not accept`);
  }
  const source = decodedBody(upstreamRes, decoding);
  if ((upstreamRes.statusCode ?? 0) < 300 && isEventStream(upstreamRes)) return pipeEventStream(ctx, upstreamRes, source, res, stages, upstream);
  return sendBuffered(ctx, upstreamRes, source, res, stages, upstream);
}
