/** Answers errors Node's HTTP parser raises before a request reaches the app, as Anthropic error JSON. */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, type AnthropicErrorType } from '../errors.js';

/** Parser error codes → status and Anthropic type; anything else is a plain 400. */
const BY_CODE: Record<string, { status: number; text: string; type: AnthropicErrorType; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, text: 'Request Header Fields Too Large', type: 'invalid_request_error', message: 'request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, text: 'Request Timeout', type: 'invalid_request_error', message: 'request timed out' },
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
    const known = BY_CODE[err.code ?? ''] ?? { status: 400, text: 'Bad Request', type: 'invalid_request_error' as const, message: 'malformed HTTP request' };
    const body = JSON.stringify(errorBody(known.type, known.message));
    socket.end(`HTTP/1.1 ${known.status} ${known.text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}
