/**
 * Reads a request body up to a size limit and within a time limit, rejecting an oversized one as soon as it
 * passes the limit and a slow one once its time is up.
 */
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors.js';

const EMPTY = Buffer.alloc(0);

/**
 * The body bytes. Throws body_too_large early (declared length) or once the limit is crossed, and
 * body_timeout when the whole body has not arrived within `timeoutMs`.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? -1);
  const tooLarge = (): GatewayError => new GatewayError('body_too_large', `request body exceeds the limit of ${limit} bytes`);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  if (declared === 0 || (req.method === 'GET' || req.method === 'HEAD') && req.headers['transfer-encoding'] === undefined && declared < 0) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => collect(req, limit, timeoutMs, tooLarge, resolve, reject));
}

/** Collects the chunks of a body whose length is not known to be over the limit. */
function collect(req: IncomingMessage, limit: number, timeoutMs: number, tooLarge: () => GatewayError, resolve: (b: Buffer) => void, reject: (e: GatewayError) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const fail = (err: GatewayError): void => {
    cleanup();
    chunks.length = 0;
    reject(err);
  };
  const onData = (c: Buffer): void => {
    size += c.length;
    if (size <= limit) return void chunks.push(c);
    req.resume();
    fail(tooLarge());
  };
  const onEnd = (): void => {
    cleanup();
    resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
  };
  const onError = (err: Error): void => fail(new GatewayError('body_not_json', `could not read the request body: ${err.message}`));
  const timer = Number.isFinite(timeoutMs)
    ? setTimeout(() => fail(new GatewayError('body_timeout', `the request body did not arrive within ${timeoutMs / 1000}s (server.body_timeout)`)), timeoutMs)
    : undefined;
  const cleanup = (): void => {
    clearTimeout(timer);
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
  };
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('error', onError);
}
