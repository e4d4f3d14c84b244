/**
 * What leaves for an upstream: the client's (staged) body for Anthropic Messages, or the body translated to the
 * upstream's protocol and sent to the URL's path + the protocol's messages path. Translation is the last step
 * before sending, after every request stage ran.
 */
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import type { CompiledUpstream } from '../plan/types.js';
import { MESSAGES_PATH } from './paths.js';
import type { Protocol, TranslatedRequest } from './types.js';

/** The bytes to send and where: `target` is the full URL when `ignorePath` (the client's path is not appended). */
export interface OutgoingRequest {
  body: Buffer;
  target: string;
  ignorePath: boolean;
}

/** The upstream URL for a protocol's messages endpoint: the URL's own path, then the protocol's path. */
export function protocolTarget(upstream: CompiledUpstream, protocol: Protocol): string {
  const url = new URL(upstream.url.href);
  url.pathname = url.pathname.replace(/\/+$/, '') + protocol.messagesPath;
  url.search = '';
  return url.href;
}

/**
 * Translates the request for `upstream.protocol`. Throws a GatewayError for a request that protocol cannot
 * carry (the boundary stage answers those, but a fallback may bring one here).
 */
export function translateFor(ctx: RequestContext, upstream: CompiledUpstream, protocol: Protocol): TranslatedRequest {
  if (ctx.method !== 'POST' || ctx.path !== MESSAGES_PATH || !ctx.body) {
    throw new GatewayError('no_route', `upstream "${upstream.name}" speaks ${protocol.name}: it cannot answer ${ctx.method} ${ctx.path}`);
  }
  return protocol.translateRequest(ctx.body, { ...upstream.protocolSettings, model: ctx.upstreamModel });
}

function serialised(value: unknown): Buffer {
  try {
    return Buffer.from(JSON.stringify(value));
  } catch (err) {
    if (err instanceof RangeError) throw new GatewayError('body_too_deep', 'request body is nested too deeply');
    throw err;
  }
}

/** The request for one attempt on `upstream`; translation notes are added to the request's notes (explain, debug). */
export function outgoingRequest(ctx: RequestContext, upstream: CompiledUpstream, anthropicBody: () => Buffer): OutgoingRequest {
  const protocol = upstream.protocol;
  if (!protocol) return { body: anthropicBody(), target: upstream.url.href, ignorePath: false };
  const translated = translateFor(ctx, upstream, protocol);
  for (const note of translated.notes) ctx.profileNotes.push(`${protocol.name}: ${note}`);
  return { body: serialised(translated.body), target: protocolTarget(upstream, protocol), ignorePath: true };
}
