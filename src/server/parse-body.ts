/** Checks and parses request bodies. Messages endpoints must carry a valid Messages API object. */
import { isUtf8 } from 'node:buffer';
import { GatewayError } from '../errors.js';
import type { MessagesBody } from '../pipeline/messages.js';

/** Paths whose bodies must be a Messages API request. */
const MESSAGE_PATHS = new Set(['/v1/messages', '/v1/messages/count_tokens']);

/**
 * Parses the body. On POST to the messages endpoints a bad body is an error; elsewhere a body that is not
 * a JSON object is simply forwarded as bytes (undefined here).
 */
export function parseBody(method: string, path: string, raw: Buffer): MessagesBody | undefined {
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
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    if (!strict) return undefined;
    const deep = err instanceof RangeError;
    throw new GatewayError(deep ? 'body_too_deep' : 'body_not_json', deep ? 'request body is nested too deeply' : `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    if (strict) throw new GatewayError('body_not_object', 'request body must be a JSON object');
    return undefined;
  }
  const body = value as MessagesBody;
  if (strict) checkMessages(body);
  return body;
}

function checkMessages(body: MessagesBody): void {
  const m = body.messages;
  if (m === undefined) throw new GatewayError('messages_invalid', 'messages: field required');
  if (!Array.isArray(m)) throw new GatewayError('messages_invalid', 'messages: expected an array');
  if (m.length === 0) throw new GatewayError('messages_invalid', 'messages: at least one message is required');
  m.forEach((msg: unknown, i) => {
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) throw new GatewayError('messages_invalid', `messages.${i}: expected an object`);
    const content = (msg as { content?: unknown }).content;
    if (typeof content === 'string') return;
    if (!Array.isArray(content)) throw new GatewayError('messages_invalid', `messages.${i}.content: expected a string or an array of content blocks`);
    content.forEach((b: unknown, j) => {
      if (!b || typeof b !== 'object' || typeof (b as { type?: unknown }).type !== 'string') {
        throw new GatewayError('messages_invalid', `messages.${i}.content.${j}: expected a content block object with a type`);
      }
    });
  });
}
