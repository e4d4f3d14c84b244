/**
 * Checks request bodies. Messages endpoints must carry a Messages API object: the structure of the whole
 * body is checked by a byte scan (no objects built), the messages array's shape from that scan, and the
 * last message, which routing reads, in full.
 */
import { isUtf8 } from 'node:buffer';
import { JsonScanError, scanTopLevel } from '../body/json-scan.js';
import { RequestBody } from '../body/request-body.js';
import { GatewayError } from '../errors.js';

/** Paths whose bodies must be a Messages API request. */
const MESSAGE_PATHS = new Set(['/v1/messages', '/v1/messages/count_tokens']);

/**
 * The body, ready for lazy reading. On POST to the messages endpoints a bad body is an error; elsewhere a
 * body that is not a JSON object is simply forwarded as bytes (undefined here).
 */
export function parseBody(method: string, path: string, raw: Buffer): RequestBody | undefined {
  const strict = method === 'POST' && MESSAGE_PATHS.has(path);
  if (raw.length === 0) {
    if (strict) throw new GatewayError('body_not_json', 'request body is empty; expected a JSON object');
    return undefined;
  }
  if (!strict && raw[0] !== 0x7b /* { */) return undefined;
  if (!isUtf8(raw)) {
    if (strict) throw new GatewayError('body_invalid_utf8', 'request body is not valid UTF-8');
    return undefined;
  }
  let body: RequestBody;
  try {
    body = new RequestBody(raw, scanTopLevel(raw, 'messages'));
  } catch (err) {
    if (!strict || !(err instanceof JsonScanError)) return undefined;
    const notObject = err.message.startsWith('expected a JSON object') && isJson(raw);
    throw new GatewayError(notObject ? 'body_not_object' : 'body_not_json', notObject ? 'request body must be a JSON object' : `request body is not valid JSON: ${err.message}`);
  }
  if (strict) checkMessages(raw, body);
  return body;
}

const invalid = (message: string): GatewayError => new GatewayError('messages_invalid', message);

/** messages must be a non-empty array of objects; the last one's content must be text or typed blocks. */
function checkMessages(raw: Buffer, body: RequestBody): void {
  const span = body.span('messages');
  if (!span) throw invalid('messages: field required');
  if (raw[span.start] !== 0x5b /* [ */) throw invalid('messages: expected an array');
  const elements = body.messageSpans();
  if (elements.length === 0) throw invalid('messages: at least one message is required');
  elements.forEach((e, i) => {
    if (raw[e.start] !== 0x7b) throw invalid(`messages.${i}: expected an object`);
  });
  const last = elements.length - 1;
  const content = (body.lastMessage() as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) throw invalid(`messages.${last}.content: expected a string or an array of content blocks`);
  content.forEach((b: unknown, j) => {
    if (!b || typeof b !== 'object' || typeof (b as { type?: unknown }).type !== 'string') {
      throw invalid(`messages.${last}.content.${j}: expected a content block object with a type`);
    }
  });
}

/** Whether the bytes are JSON at all (only asked on the error path, to tell "not JSON" from "not an object"). */
function isJson(raw: Buffer): boolean {
  try {
    JSON.parse(raw.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
