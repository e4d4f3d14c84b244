/**
 * The benchmark's request matrix: cases (a) passthrough, (b) MiniMax thinking to convert, (c) trigger,
 * (d) sticky MiniMax, crossed with body sizes, each with its headers, session and expected upstream.
 */
import { createHash } from 'node:crypto';
import { claudeCodeBody, historyBody, scaledBody, smallBody } from './generate.js';
import type { ThinkingOrigin } from './claude-code.js';

/** Case identifiers, as in the brief. */
export type CaseId = 'a' | 'b' | 'c' | 'd';
/** Body size classes. */
export type SizeId = 'small' | '50k' | '1m';

/** Which upstream route a request should reach through the gateway. */
export type UpstreamRoute = 'anthropic' | 'minimax';

/** One request the load generators send repeatedly. */
export interface RequestSpec {
  caseId: CaseId;
  sizeId: SizeId;
  label: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  sessionId: string;
  /** Route the gateway should pick for this request. */
  expect: UpstreamRoute;
  /** A request sent once beforehand (the trigger that makes case d's session sticky). */
  primer?: RequestSpec;
}

/** Human-readable case names. */
export const CASE_NAMES: Record<CaseId, string> = {
  a: 'passthrough',
  b: 'convert MiniMax thinking',
  c: 'trigger',
  d: 'sticky MiniMax',
};

/** Human-readable size names. */
export const SIZE_NAMES: Record<SizeId, string> = { small: 'small', '50k': '50 KB', '1m': '1 MB' };

/** The trigger text of case (c). */
export const TRIGGER_TEXT = 'mmexec do the thing';
const PLAIN_TEXT = 'Hello, world';

/** Headers Claude Code sends, with the given session id. */
export function claudeCodeHeaders(sessionId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,context-management-2025-06-27',
    'x-api-key': 'sk-ant-bench-0000000000000000',
    'x-app': 'cli',
    'user-agent': 'claude-cli/2.1.197 (external, cli)',
    'x-claude-code-session-id': sessionId,
  };
}

/** Deterministic session id for a case, size and purpose. */
export function sessionFor(caseId: CaseId, sizeId: SizeId, purpose = 'load'): string {
  const hex = createHash('sha256').update(`${caseId}-${sizeId}-${purpose}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Builds a body of a size class. */
export function bodyFor(sizeId: SizeId, origin: ThinkingOrigin, lastText: string, sessionId: string, stream: boolean): Buffer {
  if (sizeId === 'small') return smallBody(lastText, stream);
  const opts = { origin, lastText, sessionId, stream };
  return sizeId === '50k' ? claudeCodeBody(opts) : historyBody(opts);
}

/** Whether a case applies to a size (a small body has no thinking to convert, so (b) is skipped there). */
export function caseApplies(caseId: CaseId, sizeId: SizeId): boolean {
  return !(caseId === 'b' && sizeId === 'small');
}

/** The request for a case and size; `purpose` separates sessions of different measurements. */
export function buildCase(caseId: CaseId, sizeId: SizeId, stream = false, purpose = 'load'): RequestSpec {
  const sessionId = sessionFor(caseId, sizeId, purpose);
  const origin: ThinkingOrigin = caseId === 'b' || caseId === 'd' ? 'minimax' : 'anthropic';
  const lastText = caseId === 'c' ? TRIGGER_TEXT : PLAIN_TEXT;
  const spec: RequestSpec = {
    caseId,
    sizeId,
    label: `(${caseId}) ${CASE_NAMES[caseId]}, ${SIZE_NAMES[sizeId]}`,
    path: sizeId === 'small' ? '/v1/messages' : '/v1/messages?beta=true',
    headers: claudeCodeHeaders(sessionId),
    body: bodyFor(sizeId, origin, lastText, sessionId, stream),
    sessionId,
    expect: caseId === 'c' || caseId === 'd' ? 'minimax' : 'anthropic',
  };
  if (caseId === 'd') {
    spec.primer = {
      ...spec,
      label: `${spec.label} (primer)`,
      body: bodyFor('small', 'anthropic', TRIGGER_TEXT, sessionId, false),
      primer: undefined,
    };
  }
  return spec;
}

/** A passthrough (case a) request of an exact size, for the cost-versus-size curve. */
export function buildSized(bytes: number): RequestSpec {
  const sessionId = sessionFor('a', '50k', `size-${bytes}`);
  return {
    caseId: 'a',
    sizeId: bytes >= 500_000 ? '1m' : '50k',
    label: `(a) passthrough, ${Math.round(bytes / 1000)} KB`,
    path: '/v1/messages?beta=true',
    headers: claudeCodeHeaders(sessionId),
    body: scaledBody(bytes, { origin: 'anthropic', lastText: PLAIN_TEXT, sessionId, stream: false }),
    sessionId,
    expect: 'anthropic',
  };
}
