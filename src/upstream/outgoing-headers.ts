/** Builds the headers sent upstream: hop-by-hop dropped, credentials handled per upstream, loop mark added. */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';
import type { CompiledUpstream } from '../plan/types.js';
import { filterBetas } from '../profiles/betas.js';

/** Headers that belong to one connection and are never forwarded. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** The header that marks requests this gateway forwarded (loop guard). */
export const LOOP_HEADER = 'x-mmexec-via';

/** The header clients send their gateway key in; never forwarded. */
export const CLIENT_KEY_HEADER = 'x-mmexec-key';

const DROP = new Set([...HOP_BY_HOP, 'host', 'content-length', 'accept-encoding', CLIENT_KEY_HEADER]);

/** Removes hop-by-hop headers, including those the Connection header names. */
export function withoutHopByHop<T extends IncomingHttpHeaders | OutgoingHttpHeaders>(headers: T, extraDrop?: ReadonlySet<string>): Record<string, string | string[] | number> {
  const connection = headers.connection;
  const named = connection
    ? String(connection)
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean)
    : undefined;
  const out: Record<string, string | string[] | number> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined || HOP_BY_HOP.has(k) || extraDrop?.has(k) || named?.includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * An upstream speaking another protocol gets none of Anthropic's headers and never the client's Anthropic
 * credentials (x-api-key, or an OAuth bearer token): only its own key, when it has one.
 */
function dropAnthropicHeaders(out: OutgoingHttpHeaders): void {
  for (const k of Object.keys(out)) if (k.startsWith('anthropic-')) delete out[k];
  delete out['x-api-key'];
  delete out.authorization;
  out['content-type'] = 'application/json';
}

/**
 * Headers for the upstream request. `anthropic-version` and `anthropic-beta` pass unchanged; an upstream with
 * its own key never sees the client's x-api-key or authorization. Throws when that key is not set.
 */
export function outgoingHeaders(
  incoming: IncomingHttpHeaders,
  upstream: CompiledUpstream,
  bodyLength: number,
  via: string,
  env: NodeJS.ProcessEnv,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = withoutHopByHop(incoming, DROP);
  if (upstream.protocol) dropAnthropicHeaders(out);
  if (upstream.auth.kind === 'key') {
    const key = env[upstream.auth.env];
    if (!key) throw new GatewayError('upstream_key_missing', `upstream "${upstream.name}" needs an API key: ${upstream.auth.env} is not set. Set it where the gateway runs and restart it.`);
    delete out['x-api-key'];
    delete out.authorization;
    if (upstream.auth.as === 'bearer') out.authorization = `Bearer ${key}`;
    else out['x-api-key'] = key;
  }
  if (upstream.profile && upstream.profile.profile.betas !== 'all' && !upstream.protocol) {
    const betas = filterBetas(incoming['anthropic-beta'], upstream.profile.profile.betas);
    if (betas.value === undefined) delete out['anthropic-beta'];
    else out['anthropic-beta'] = betas.value;
  }
  for (const h of upstream.removeHeaders) delete out[h];
  Object.assign(out, upstream.addHeaders);
  out['accept-encoding'] = 'identity';
  out[LOOP_HEADER] = incoming[LOOP_HEADER] ? `${String(incoming[LOOP_HEADER])}, ${via}` : via;
  if (bodyLength > 0 || incoming['content-length'] !== undefined) out['content-length'] = String(bodyLength);
  return out;
}
