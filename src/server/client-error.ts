/** Answers errors Node's HTTP parser raises before a request reaches the app, as Anthropic error JSON. */
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorJson, GatewayError } from '../errors.js';

/** Parser error codes → the catalogue's error; anything else is `malformed_http`. */
const BY_CODE: Readonly<Record<string, () => GatewayError>> = {
  HPE_HEADER_OVERFLOW: () => new GatewayError('headers_too_large', 'request headers are too large'),
  ERR_HTTP_REQUEST_TIMEOUT: () => new GatewayError('headers_timeout', 'request timed out'),
};

/**
 * Installs a `clientError` handler: malformed requests and oversized headers get an Anthropic error body
 * instead of Node's empty reply, and the socket is closed. Never echoes the offending bytes.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const failure = BY_CODE[err.code ?? '']?.() ?? new GatewayError('malformed_http', 'malformed HTTP request');
    const body = errorJson(failure);
    const head = [`HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status] ?? 'Error'}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, 'x-mmexec-error: gateway', 'connection: close'];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  });
}
