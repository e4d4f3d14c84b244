/**
 * Client authentication for a team gateway. A client sends its gateway key in `x-mmexec-key` (its own
 * Anthropic credentials then pass through), or, when the upstream holds the gateway's own key, as
 * `x-api-key` / `Authorization: Bearer`. Keys are compared as SHA-256 digests in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';
import type { CompiledClient, CompiledUpstream, Plan } from '../plan/types.js';
import { CLIENT_KEY_HEADER } from '../upstream/outgoing-headers.js';

/** Where the client's key came from: its own header, or the credential headers meant for the upstream. */
export type KeySource = 'mmexec-key' | 'credential';

/** An authenticated client. */
export interface ClientIdentity {
  readonly client: CompiledClient;
  readonly via: KeySource;
}

const HOW_TO = `send your gateway key in the ${CLIENT_KEY_HEADER} header (Claude Code: ANTHROPIC_CUSTOM_HEADERS="${CLIENT_KEY_HEADER}: <key>")`;

/** The client whose key hash equals `hash`; every client is compared, so timing does not tell which. */
function matchKey(clients: readonly CompiledClient[], given: string): CompiledClient | undefined {
  const hash = createHash('sha256').update(given).digest();
  let found: CompiledClient | undefined;
  for (const c of clients) {
    if (c.keyHash.length === hash.length && timingSafeEqual(c.keyHash, hash) && !found) found = c;
  }
  return found;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The credential a client sent for the upstream (`x-api-key`, else a bearer token), if any. */
function credential(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = header(headers, 'x-api-key');
  if (apiKey) return apiKey;
  return /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '')?.[1];
}

/**
 * Authenticates a request against the plan's clients from its headers alone, so it runs before the body is
 * read; throws 401 (client_key_missing) when it fails. A key sent as the upstream credential is refused here
 * when no upstream holds the gateway's own key (it could never be used); whether the route's upstream does
 * is checked after routing (checkCredentialUse).
 */
export function authenticate(plan: Plan, headers: IncomingHttpHeaders): ClientIdentity {
  const own = header(headers, CLIENT_KEY_HEADER);
  if (own !== undefined) {
    const client = own ? matchKey(plan.clients, own) : undefined;
    if (!client) throw new GatewayError('client_key_missing', `invalid gateway key in ${CLIENT_KEY_HEADER}`);
    return { client, via: 'mmexec-key' };
  }
  const cred = credential(headers);
  const client = cred ? matchKey(plan.clients, cred) : undefined;
  if (!client) throw new GatewayError('client_key_missing', `this gateway needs a client key: ${HOW_TO}`);
  if (![...plan.upstreams.values()].some((u) => u.auth.kind === 'key')) {
    throw new GatewayError('client_key_missing', `no upstream of this gateway holds its own key, so the gateway key cannot be sent as x-api-key or bearer: ${HOW_TO}`);
  }
  return { client, via: 'credential' };
}

/**
 * A key that arrived as the upstream credential may only go to upstreams that replace it with their own
 * key; otherwise it would be forwarded (and rejected) as the client's Anthropic credential. Checks the
 * upstream and its fallback chain; throws 401 when any of them passes credentials through.
 */
export function checkCredentialUse(plan: Plan, id: ClientIdentity, upstream: CompiledUpstream): void {
  if (id.via !== 'credential') return;
  const seen = new Set<string>();
  for (let u: CompiledUpstream | undefined = upstream; u && !seen.has(u.name); u = u.fallback ? plan.upstreams.get(u.fallback) : undefined) {
    seen.add(u.name);
    if (u.auth.kind === 'passthrough') {
      throw new GatewayError('client_key_missing', `upstream "${u.name}" uses your own credentials, so the gateway key cannot be sent as x-api-key or bearer: ${HOW_TO}`);
    }
  }
}
