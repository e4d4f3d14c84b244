/**
 * What `mmexec statusline` prints: the fields it reads from Claude Code's status JSON, the session record
 * the gateway answers `GET /sessions/<id>` with, and the one short line made from them.
 */
import type { SessionView } from '../ledger/session-view.js';

/**
 * The part of Claude Code's status line input used here. Claude Code sends the status command a JSON object
 * on stdin with `session_id`, `model.display_name`, `cost.total_cost_usd`, `workspace.current_dir` and more
 * (https://code.claude.com/docs/en/statusline); every field is optional here.
 */
export interface StatusInput {
  sessionId: string | undefined;
  modelName: string | undefined;
}

/** One session as the gateway's `GET /sessions/<id>` reports it (the ledger's own view type). */
export type SessionRecord = SessionView;

/** Reads the fields used from Claude Code's status JSON text; anything unparsable gives empty fields. */
export function parseStatusInput(text: string): StatusInput {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { sessionId: undefined, modelName: undefined };
  }
  const o = (v && typeof v === 'object' ? v : {}) as { session_id?: unknown; model?: { display_name?: unknown } };
  const name = o.model && typeof o.model === 'object' ? o.model.display_name : undefined;
  return {
    sessionId: typeof o.session_id === 'string' && o.session_id !== '' ? o.session_id : undefined,
    modelName: typeof name === 'string' && name !== '' ? name : undefined,
  };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Whether a parsed answer has the fields the line is made of. */
export function isSessionRecord(v: unknown): v is SessionRecord {
  const r = v as Partial<SessionRecord> | null;
  return (
    !!r &&
    typeof r === 'object' &&
    typeof r.model === 'string' &&
    typeof r.provider === 'string' &&
    isNum(r.cost_usd) &&
    isNum(r.saved_usd) &&
    isNum(r.cache_read_ratio) &&
    (r.last_error === null || (typeof r.last_error === 'object' && isNum(r.last_error?.status)))
  );
}

/** Dollars with two decimals, or four below one cent so small sessions do not read as free. */
export function dollars(n: number): string {
  return n > 0 && n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

/** Whether the last request of the session failed (its error is not older than the last update). */
function lastRequestFailed(r: SessionRecord): boolean {
  if (!r.last_error) return false;
  const at = Date.parse(r.last_error.at);
  const updated = Date.parse(r.updated_at);
  return Number.isNaN(at) || Number.isNaN(updated) || at >= updated;
}

/** The model, with the upstream when neither it nor the provider is named in the model (e.g. `claude-opus-4-8 via minimax`). */
function modelText(r: SessionRecord): string {
  const model = r.model.toLowerCase();
  const named = r.provider === 'anthropic' || [r.provider, r.upstream].some((n) => n !== '' && model.includes(n.toLowerCase()));
  return named || !r.upstream ? r.model : `${r.model} via ${r.upstream}`;
}

/** Whether the session has had a forwarded request (the gateway reports `none` and `unknown` before one). */
export function hasAnswers(r: SessionRecord): boolean {
  return r.provider !== 'none' && r.model !== '' && r.model !== 'unknown';
}

/** The status line for a known session, e.g. `MiniMax-M2.7 · $0.21 (saved $0.41) · cache 93%`. */
export function sessionLine(r: SessionRecord): string {
  const cost = r.saved_usd > 0 ? `${dollars(r.cost_usd)} (saved ${dollars(r.saved_usd)})` : dollars(r.cost_usd);
  const parts = [modelText(r), cost, `cache ${Math.round(Math.min(Math.max(r.cache_read_ratio, 0), 1) * 100)}%`];
  if (lastRequestFailed(r)) parts.push(`last request failed: ${r.last_error!.status} ${r.last_error!.type}`);
  return parts.join(' · ');
}

/** Why no session line can be shown, as the short text shown instead. */
export type StatusProblem =
  | { kind: 'no-session' }
  | { kind: 'unknown-session'; modelName: string | undefined }
  | { kind: 'not-running' }
  | { kind: 'slow' }
  | { kind: 'needs-token' }
  | { kind: 'status'; status: number }
  | { kind: 'bad-answer' };

/** The text shown instead of a session line. */
export function problemLine(p: StatusProblem): string {
  switch (p.kind) {
    case 'no-session':
      return 'mmexec: no session id from Claude Code';
    case 'unknown-session':
      return `mmexec: no requests yet${p.modelName ? ` · ${p.modelName}` : ''}`;
    case 'not-running':
      return 'mmexec: gateway not running';
    case 'slow':
      return 'mmexec: gateway not answering';
    case 'needs-token':
      return 'mmexec: gateway needs a token (set MMEXEC_METRICS_TOKEN)';
    case 'status':
      return `mmexec: gateway answered ${p.status}`;
    case 'bad-answer':
      return 'mmexec: unexpected answer from the gateway';
  }
}
