/**
 * `serve`'s adapter onto the request path: the body comes from the socket, replies and errors go to the
 * ServerResponse, upstreams are reached over HTTP. The path itself is src/pipeline/request-path.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors.js';
import { noteRequest } from '../ledger/note-request.js';
import { runRequest, type LocalAnswer, type RequestIo } from '../pipeline/request-path.js';
import type { RequestContext } from '../pipeline/context.js';
import { httpForwarder } from '../upstream/forward.js';
import type { Gateway } from './gateway.js';
import { sendError, sendJsonReply, sendLocalReply } from './local-reply.js';
import { readBody } from './read-body.js';
import type { RequestTarget } from './request-target.js';

/** Sends a local answer to `res`; returns its status. */
function sendAnswer(ctx: RequestContext, res: ServerResponse, answer: LocalAnswer): number {
  if (answer.kind === 'route') return sendLocalReply(ctx, res, answer.reply);
  if (answer.kind === 'stage') return sendJsonReply(ctx, res, answer.status, answer.json);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.raw.length, 'request-id': ctx.id });
  res.end(answer.raw);
  return 200;
}

/** The outside world of a request `serve` received. */
function serveIo(gw: Gateway, req: IncomingMessage, res: ServerResponse, target: RequestTarget | GatewayError): RequestIo {
  const refused = target instanceof GatewayError ? target : gw.draining ? new GatewayError('shutting_down', 'the gateway is shutting down; retry shortly') : undefined;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    path: target instanceof GatewayError ? '' : target.path,
    headers: req.headers,
    refused,
    readBody: (plan) => readBody(req, plan.server.bodyLimit, plan.server.bodyTimeoutMs),
    reply: (ctx, answer) => sendAnswer(ctx, res, answer),
    fail(error, id, bodyRead) {
      // A body left unread is not drained: the connection closes once the error is sent.
      if (!bodyRead && !res.headersSent) res.setHeader('connection', 'close');
      sendError(res, error, id);
    },
    answered: () => res.headersSent || res.destroyed,
    sentStatus: () => res.statusCode,
    forwarder: httpForwarder(req, res),
    started: (ctx) => void gw.inflight.set(res, ctx),
    recorded: (ctx, finished) => noteRequest(gw, ctx, finished),
  };
}

/** Handles one proxied request whose target was normalised (or refused) already. Never rejects. */
export async function handleRequest(gw: Gateway, req: IncomingMessage, res: ServerResponse, target: RequestTarget | GatewayError): Promise<void> {
  const runtime = gw.enter();
  gw.inflight.set(res, undefined);
  try {
    await runRequest(runtime, serveIo(gw, req, res, target));
  } finally {
    gw.inflight.delete(res);
    runtime.leave();
  }
}
