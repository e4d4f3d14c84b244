/** Answers a request locally: plain text (the teapot), an Anthropic message (JSON or streamed), or an error. */
import { randomBytes, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { errorBody, errorJson, type AnthropicErrorType, type GatewayError } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import type { CompiledReply } from '../plan/types.js';
import { endWithErrorEvent, formatEvent } from '../upstream/sse-reader.js';

/** Fills `{{sticky}}` (the state of the reply's scope before this request, or none) and `{{model}}` in a reply text. */
export function renderReplyText(ctx: RequestContext, reply: CompiledReply): string {
  const text = reply.texts.length === 1 ? reply.texts[0]! : reply.texts[randomInt(reply.texts.length)]!;
  return text.replace(/\{\{\s*(sticky|model)\s*\}\}/g, (_m, name: string) => (name === 'sticky' ? ctx.sticky[reply.stickyScope] ?? 'none' : ctx.requestedModel ?? 'unknown'));
}

/** Sends the local reply and returns its status. */
export function sendLocalReply(ctx: RequestContext, res: ServerResponse, reply: CompiledReply): number {
  const text = renderReplyText(ctx, reply);
  const base = { 'request-id': ctx.id, 'x-mmexec-route': ctx.route?.name ?? '' };
  if (reply.as === 'text') {
    const buf = Buffer.from(text.endsWith('\n') ? text : `${text}\n`);
    res.writeHead(reply.status, { ...base, 'content-type': 'text/plain; charset=utf-8', 'content-length': buf.length });
    res.end(buf);
  } else if (reply.as === 'error') {
    const buf = Buffer.from(JSON.stringify(errorBody(reply.errorType as AnthropicErrorType, text, ctx.id)));
    res.writeHead(reply.status, { ...base, 'content-type': 'application/json', 'content-length': buf.length });
    res.end(buf);
  } else if (ctx.field('stream') === true) {
    res.writeHead(reply.status, { ...base, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(messageEvents(ctx, text));
  } else {
    const buf = Buffer.from(JSON.stringify(messageOf(ctx, text)));
    res.writeHead(reply.status, { ...base, 'content-type': 'application/json', 'content-length': buf.length });
    res.end(buf);
  }
  return reply.status;
}

function messageOf(ctx: RequestContext, text: string): Record<string, unknown> {
  return {
    id: `msg_local_${randomBytes(12).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: ctx.requestedModel ?? 'mmexec',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** The same message as Anthropic's event sequence. */
function messageEvents(ctx: RequestContext, text: string): string {
  const message = { ...messageOf(ctx, text), content: [], stop_reason: null };
  return [
    formatEvent('message_start', { type: 'message_start', message }),
    formatEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    formatEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    formatEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
    formatEvent('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 0 } }),
    formatEvent('message_stop', { type: 'message_stop' }),
  ].join('');
}

/** Sends a JSON answer a request stage made (e.g. a count_tokens estimate) and returns its status. */
export function sendJsonReply(ctx: RequestContext, res: ServerResponse, status: number, json: unknown): number {
  const buf = Buffer.from(JSON.stringify(json));
  res.writeHead(status, { 'request-id': ctx.id, 'content-type': 'application/json', 'content-length': buf.length, 'x-mmexec-reply': 'local' });
  res.end(buf);
  return status;
}

/**
 * Sends a gateway-made error (from the catalogue in src/errors.ts) as Anthropic error JSON with its status
 * and headers, or as an SSE error event once a stream has started.
 */
export function sendError(res: ServerResponse, err: GatewayError, requestId?: string): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    endWithErrorEvent(res, err, '', requestId);
    return;
  }
  const buf = Buffer.from(errorJson(err, requestId));
  const ids = requestId ? { 'request-id': requestId } : {};
  res.writeHead(err.status, { ...err.headers, 'content-type': 'application/json', 'content-length': buf.length, ...ids, 'x-mmexec-error': 'gateway' });
  res.end(buf);
}
