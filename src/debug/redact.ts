/** Makes a request safe to write to disk for DEBUG=2: credentials redacted, every string cut short. */

/** Longest string kept in a dump; longer ones are cut and marked with their full length. */
export const DUMP_STRING_LIMIT = 100;

/** Placeholder written instead of a credential. */
export const REDACTED = '[redacted]';

/** Header and field names whose values are credentials. */
const SECRET_NAME = /^(x-api-key|authorization|proxy-authorization|cookie|set-cookie|x-mmexec-key|api[-_]?key|access[-_]?token|auth[-_]?token|refresh[-_]?token|token|secret|client[-_]?secret|password)$/i;

/** Credential-shaped text anywhere in a string: Anthropic/OpenAI-style keys and bearer tokens. */
const SECRET_TEXT = /\b(sk-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/=-]{8,})/g;

/** Cuts a string to the dump limit, after redacting credential-shaped text in it. */
export function cutString(s: string): string {
  const clean = s.replace(SECRET_TEXT, REDACTED);
  return clean.length > DUMP_STRING_LIMIT ? `${clean.slice(0, DUMP_STRING_LIMIT)}…[${clean.length} chars]` : clean;
}

/**
 * A deep copy of `value` for a dump: values under credential names become "[redacted]", every other string
 * is redacted of credential-shaped text and cut to DUMP_STRING_LIMIT characters. Never changes `value`.
 */
export function redactForDump(value: unknown, name?: string): unknown {
  if (name !== undefined && SECRET_NAME.test(name) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return cutString(value);
  if (Array.isArray(value)) return value.map((v) => redactForDump(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactForDump(v, k);
    return out;
  }
  return value;
}
