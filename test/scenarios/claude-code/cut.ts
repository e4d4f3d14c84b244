/**
 * Cuts a captured request down to a fixture: credentials redacted, tool schemas summarised, every string longer
 * than 100 characters cut, except the strings that carry what the tests look for (kept whole).
 */
import type { RecordedRequest } from '../../support/fake-upstream-common.js';

/** Longest string kept whole unless it is one of the kept kinds. */
export const MAX_STRING = 100;

/** The words Claude Code wraps text typed during a tool run in; strings holding them are kept whole. */
export const TYPED_WRAPPER = 'The user sent a new message while you were working';

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie']);
const KEEP_PREFIXES = ['x-anthropic-billing-header'];

/** A captured request as it is stored in a fixture. */
export interface CutRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

function keepWhole(s: string, keep: readonly string[]): boolean {
  if (s.length > 4000) return false;
  return s.includes(TYPED_WRAPPER) || keep.some((k) => s.includes(k)) || KEEP_PREFIXES.some((p) => s.startsWith(p));
}

function cutString(s: string, keep: readonly string[]): string {
  if (s.length <= MAX_STRING || keepWhole(s, keep)) return s;
  return `${s.slice(0, MAX_STRING)}…[+${s.length - MAX_STRING} chars]`;
}

function cutValue(v: unknown, keep: readonly string[], key = ''): unknown {
  if (typeof v === 'string') return key === 'user_id' ? v : cutString(v, keep);
  if (Array.isArray(v)) return v.map((x) => cutValue(x, keep));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = k === 'input_schema' && x && typeof x === 'object' ? { '[cut]': `JSON Schema, ${JSON.stringify(x).length} bytes` } : cutValue(x, keep, k);
  }
  return out;
}

/** The fixture form of a request; `keep` lists texts (the scenario's user input) whose strings stay whole. */
export function cutRequest(r: RecordedRequest, keep: readonly string[] = []): CutRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined) continue;
    headers[k] = SECRET_HEADERS.has(k) ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
  }
  const out: CutRequest = { method: r.method, path: r.path, headers };
  if (r.json !== undefined) out.body = cutValue(r.json, keep);
  else if (r.body.length > 0) out.body = cutString(r.body.toString('utf8'), keep);
  return out;
}
