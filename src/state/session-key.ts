/** Finds the session id of a request and validates it before it becomes a storage key or a file name. */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';
import type { SessionSource } from '../plan/types.js';

/** Letters, digits, `_`, `-` and `.` (not leading), at most 128 characters: safe as a file name and a key. */
const VALID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

/**
 * The session id, or undefined when no source has one. `metadata` reads the body's metadata field (only
 * when a metadata source is reached). Throws session_invalid for an unsafe id.
 */
export function findSession(sources: readonly SessionSource[], headers: IncomingHttpHeaders, metadata: () => unknown): string | undefined {
  for (const s of sources) {
    const value = s.kind === 'header' ? headerValue(headers[s.name]) : fromMetadata(metadata(), s.key);
    if (value === undefined || value === '') continue;
    if (!VALID.test(value)) {
      const where = s.kind === 'header' ? `header ${s.name}` : `metadata.user_id ${s.key}`;
      throw new GatewayError('session_invalid', `invalid session id in ${where}: use 1-128 letters, digits, '_', '-' or '.'`);
    }
    return value;
  }
  return undefined;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The object inside metadata.user_id: Claude Code sends it as a JSON string holding device_id, session_id
 * and, for a session started by another one, parent_session_id. Undefined when it is not such a string.
 */
export function metadataUserId(metadata: unknown): Record<string, unknown> | undefined {
  const raw = (metadata as { user_id?: unknown } | undefined)?.user_id;
  if (typeof raw !== 'string' || !raw.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function fromMetadata(metadata: unknown, key: string): string | undefined {
  const v = metadataUserId(metadata)?.[key];
  return typeof v === 'string' ? v : undefined;
}
