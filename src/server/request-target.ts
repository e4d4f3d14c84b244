/**
 * Normalises the request target once, before anything reads it, so `path` conditions, body validation, the
 * gateway's own endpoints and the upstream all see the same path. Forms that have no place in an API call
 * (absolute or authority form, a fragment, dot segments, an encoded slash or backslash, control
 * characters) are refused with 400.
 */
import { GatewayError } from '../errors.js';

/** A normalised target: the path, and the path with the query as the client sent it. */
export interface RequestTarget {
  readonly path: string;
  readonly url: string;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Percent-encodings that would change the path's structure or smuggle control characters. */
const REFUSED_ENCODED = new Set(['2F', '5C', '7F']);

const refuse = (why: string): GatewayError => new GatewayError('bad_request_target', `request target ${why}`);

/** Decodes percent-encoded unreserved characters and upper-cases the hex of the others (RFC 3986 §6.2.2). */
function normalizeEncoding(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%(..)?/g, (whole, hex: string | undefined) => {
    if (!hex || !/^[0-9A-Fa-f]{2}$/.test(hex)) throw refuse('has a malformed percent-encoding');
    const upper = hex.toUpperCase();
    if (REFUSED_ENCODED.has(upper) || parseInt(upper, 16) < 0x20) throw refuse(`encodes a character that has no place in a path (%${upper})`);
    const c = String.fromCharCode(parseInt(upper, 16));
    return UNRESERVED.test(c) ? c : `%${upper}`;
  });
}

/** Normalises the target of a request line; throws GatewayError `bad_request_target` (400). */
export function normalizeTarget(raw: string): RequestTarget {
  if (!raw.startsWith('/')) throw refuse('must be a path starting with "/" (absolute and authority forms are not accepted)');
  if (raw.includes('#')) throw refuse('must not contain a fragment ("#")');
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  if (rawPath.includes('\\')) throw refuse('must not contain a backslash');
  if (/[\x00-\x20\x7f]/.test(rawPath)) throw refuse('must not contain control characters or spaces');
  const path = normalizeEncoding(rawPath).replace(/\/{2,}/g, '/');
  if (path.split('/').some((s) => s === '.' || s === '..')) throw refuse('must not contain "." or ".." segments');
  return { path, url: q < 0 ? path : path + raw.slice(q) };
}
