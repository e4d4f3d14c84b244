/**
 * Non-streaming answers of an upstream speaking another protocol, translated before any response stage: a 2xx
 * answer to an Anthropic message, anything else to an Anthropic error body with the status the protocol maps.
 */
import { errorEnvelope, GatewayError } from '../errors.js';
import type { BufferedBody } from '../pipeline/stage.js';
import type { Protocol } from './types.js';

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json' });

/** The body as JSON whatever its content type said; its text when it is not JSON. */
function parsed(body: BufferedBody): unknown {
  if (body.json !== undefined) return body.json;
  const text = body.raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function answered(status: number, json: unknown, headers = JSON_HEADERS): BufferedBody {
  return { status, json, raw: Buffer.from(JSON.stringify(json)), headers };
}

/** Translates one buffered answer; an answer that cannot be read as the protocol's becomes a 502 api_error. */
export function translateBuffered(protocol: Protocol, body: BufferedBody, requestedModel: string | undefined, upstream: string): BufferedBody {
  const json = parsed(body);
  try {
    if (body.status < 300) return answered(body.status, protocol.translateAnswer(json, requestedModel));
    const error = protocol.translateError(body.status, json);
    return answered(error.status, error.json);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const failure = new GatewayError('upstream_answer_unreadable', `upstream "${upstream}" sent an answer that is not ${protocol.name} (${why})`);
    return answered(failure.status, errorEnvelope(failure));
  }
}
