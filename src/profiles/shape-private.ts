/**
 * Keeps the client's private data from third-party upstreams: metadata.user_id (Claude Code's device and
 * account ids, and the session id) and Claude Code's `x-anthropic-billing-header` system block.
 */
import type { FieldAccess } from './field-edits.js';
import type { UserIdPolicy } from './compile-profile.js';

const BILLING_HEADER = 'x-anthropic-billing-header';

/** Removes metadata.user_id, or keeps only the session id from it, as the policy says. */
export function shapeUserId(body: FieldAccess, policy: UserIdPolicy, notes: string[]): void {
  if (policy === 'keep') return;
  const metadata = body.field('metadata') as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata !== 'object' || metadata.user_id === undefined) return;
  const { user_id: userId, ...rest } = metadata;
  const session = policy === 'session' ? sessionOf(userId) : undefined;
  if (session !== undefined) {
    body.setField('metadata', { ...rest, user_id: JSON.stringify({ session_id: session }) });
    notes.push('metadata.user_id reduced to its session_id (profile.user_id: session)');
    return;
  }
  if (Object.keys(rest).length === 0) body.deleteField('metadata');
  else body.setField('metadata', rest);
  notes.push('removed metadata.user_id (device and account ids; profile.user_id: drop)');
}

/** The session id inside Claude Code's user_id (a JSON string with device_id, account_uuid, session_id). */
function sessionOf(userId: unknown): string | undefined {
  if (typeof userId !== 'string') return undefined;
  try {
    const parsed = JSON.parse(userId) as { session_id?: unknown };
    return typeof parsed.session_id === 'string' ? parsed.session_id : undefined;
  } catch {
    const m = /_session_([A-Za-z0-9-]+)$/.exec(userId); // the older flat form user_<hash>_account_…_session_<id>
    return m?.[1];
  }
}

/** Removes Claude Code's billing header block from the system prompt. */
export function dropBillingHeader(body: FieldAccess, notes: string[]): void {
  const span = body.span('system'); // undefined once parsed: then the prompt is read
  if (span && !body.bytesOf(span).includes(BILLING_HEADER)) return; // the common case, without parsing the prompt
  const system = body.field('system');
  if (!Array.isArray(system)) return;
  const kept = system.filter((b: unknown) => !(typeof (b as { text?: unknown })?.text === 'string' && ((b as { text: string }).text).startsWith(BILLING_HEADER)));
  if (kept.length === system.length) return;
  if (kept.length === 0) body.deleteField('system');
  else body.setField('system', kept);
  notes.push(`removed the ${BILLING_HEADER} system block`);
}
