/**
 * Maps a provider's error answers to the Anthropic errors Claude Code handles. Permanent failures (rejected
 * key, no balance, model not in the plan, content filter, refused request) become answers Claude Code shows
 * at once and never retries, with `x-should-retry: false` and a message naming the setting to fix; transient
 * ones become 429, 529 or 500 with `retry-after` in whole seconds. Other errors pass unchanged, their
 * retry-after made whole seconds.
 *
 * What Claude Code does with each status, run with the real CLI in -p mode (2.1.197 and 2.1.332, default
 * CLAUDE_CODE_MAX_RETRIES, API-key auth) against a local server answering every request with one status
 * (2026-12-01): 401 is retried with backoff (6 attempts in the first 20 s; the default is 10 retries); 401 and
 * 403 are shown as "Failed to authenticate. API Error: ..." (its error formatter, read from the CLI, says
 * "Please run /login · API Error: ..." instead when interactive); 402 is sent once and shown as "API Error: 402
 * <message>"; 400 is shown the same way (2.1.332 re-sends it at once with fewer betas, up to twice). The
 * formatter also replaces any message containing "x-api-key" with its own API-key hint. A 401 with
 * `x-should-retry: false` is sent once too, so that header is added as well (the Anthropic SDK honours it).
 * Hence the failures only the user can fix are answered 402 (USER_FIX_STATUS).
 */
import { errorBody, NO_RETRY_HEADERS, USER_FIX_STATUS, type AnthropicErrorType } from '../errors.js';
import { RequestSlot, type RequestContext } from '../pipeline/context.js';
import type { BufferedBody, ResponseHead, ResponseStage } from '../pipeline/stage.js';
import type { ErrorKind, ErrorRule } from './types.js';

/** What the hints may name about the upstream. */
export interface ErrorMapTarget {
  upstream: string;
  provider: string;
  /** The environment variable holding the upstream's key, when it has one. */
  keyEnv: string | undefined;
  model: string | undefined;
  profile: string;
}

interface Outcome {
  status: number;
  type: AnthropicErrorType;
  transient: boolean;
}

const OUTCOMES: Record<ErrorKind, Outcome> = {
  auth: { status: USER_FIX_STATUS, type: 'authentication_error', transient: false },
  billing: { status: USER_FIX_STATUS, type: 'billing_error', transient: false },
  plan: { status: USER_FIX_STATUS, type: 'permission_error', transient: false },
  content: { status: 400, type: 'invalid_request_error', transient: false },
  invalid: { status: 400, type: 'invalid_request_error', transient: false },
  not_found: { status: 404, type: 'not_found_error', transient: false },
  rate_limit: { status: 429, type: 'rate_limit_error', transient: true },
  overloaded: { status: 529, type: 'overloaded_error', transient: true },
  server: { status: 500, type: 'api_error', transient: true },
};

/** Seconds to wait when a transient failure carries no retry-after. */
const DEFAULT_RETRY_AFTER: Partial<Record<ErrorKind, number>> = { rate_limit: 5, overloaded: 10, server: 5 };

/** Claude Code replaces any message holding "x-api-key" with its own API-key hint: never let one through. */
const safe = (text: string): string => text.replace(/x-api-key/gi, 'API key header');

/** The message of a rejected key, naming the variable the key comes from. */
function keyRejected(t: ErrorMapTarget, original: string): string {
  const what = safe(original) || 'invalid API key';
  if (!t.keyEnv) return `${t.provider} rejected the credentials it was sent: ${what}`;
  return `${t.provider} rejected the key in ${t.keyEnv} (${what}). Set a valid ${t.provider} key in ${t.keyEnv} where the gateway runs and restart it.`;
}

function hint(kind: ErrorKind, t: ErrorMapTarget): string {
  const key = t.keyEnv ? `the key in ${t.keyEnv}` : 'the credentials sent';
  switch (kind) {
    case 'billing': return `the ${t.provider} account of ${key} has no balance or credit left: top it up`;
    case 'plan': return `${t.provider} does not allow the model ${t.model ?? 'requested'} for ${key}: choose another with upstreams.${t.upstream}.model`;
    case 'content': return `${t.provider}'s content filter refused this request`;
    case 'invalid': return `${t.provider} refused the request; \`mmexec explain\` shows what the "${t.profile}" profile sends (upstreams.${t.upstream}.profile)`;
    case 'not_found': return `${t.provider} does not serve the model ${t.model ?? 'requested'}: set upstreams.${t.upstream}.model to one it has`;
    default: return `${t.provider} asks to retry later`;
  }
}

/** The text of the mapped answer: a rejected key's own sentence, the original with a hint, or as sent. */
function messageFor(kind: ErrorKind, t: ErrorMapTarget, original: string): string {
  if (kind === 'auth') return keyRejected(t, original);
  return OUTCOMES[kind].transient ? safe(original) : `${safe(original)} (mmexec: ${hint(kind, t)})`;
}

interface ErrorFacts {
  message: string;
  text: string;
  codes: string[];
}

/** The message, a searchable text and the provider codes of an error body (any of the shapes providers use). */
function factsOf(body: BufferedBody): ErrorFacts {
  const j = (body.json ?? {}) as { error?: { message?: unknown; type?: unknown; code?: unknown }; message?: unknown; code?: unknown; base_resp?: { status_code?: unknown; status_msg?: unknown } };
  const message = [j.error?.message, j.message, j.base_resp?.status_msg].find((m) => typeof m === 'string' && m !== '') as string | undefined
    ?? body.raw.toString('utf8', 0, Math.min(body.raw.length, 500));
  const codes = [j.base_resp?.status_code, j.error?.code, j.code].filter((c) => c !== undefined && c !== null).map(String);
  for (const m of message.matchAll(/\((\d{3,5})\)/g)) codes.push(m[1]!);
  return { message, text: `${String(j.error?.type ?? '')} ${String(j.error?.code ?? j.code ?? '')} ${message}`, codes };
}

function ruleFor(rules: readonly ErrorRule[], status: number, f: ErrorFacts): ErrorRule | undefined {
  return rules.find((r) => (!r.status || r.status.includes(status)) && (!r.codes || r.codes.some((c) => f.codes.includes(c))) && (!r.match || r.match.test(f.text)));
}

/** Retry-after as whole seconds (a fraction rounds up; an HTTP date becomes the seconds until it). */
export function wholeSeconds(value: string): string | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return String(Math.ceil(Number(v)));
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : String(Math.max(0, Math.ceil((at - Date.now()) / 1000)));
}

/** Mapping decided per request in onBody, applied to the head afterwards; a body is mapped once. */
const DECIDED = new RequestSlot<{ kind: ErrorKind | undefined }>('error-map', () => ({ kind: undefined }));

function fixHead(ctx: RequestContext, head: ResponseHead): void {
  const kind = ctx.peekSlot(DECIDED)?.kind;
  const given = head.headers['retry-after'];
  const whole = typeof given === 'string' ? wholeSeconds(given) : undefined;
  if (kind && !OUTCOMES[kind].transient) {
    delete head.headers['retry-after'];
    return;
  }
  if (whole !== undefined) head.headers['retry-after'] = whole;
  else if (given !== undefined) delete head.headers['retry-after'];
  const fallback = kind ? DEFAULT_RETRY_AFTER[kind] : undefined;
  if (head.headers['retry-after'] === undefined && fallback !== undefined) head.headers['retry-after'] = String(fallback);
}

/** The response stage mapping `rules` for one upstream. */
export function errorMapStage(rules: readonly ErrorRule[], target: ErrorMapTarget): ResponseStage {
  return {
    name: `error-map:${target.profile}`,
    onBody(ctx, body) {
      const decided = ctx.slot(DECIDED);
      if (body.status < 400 || decided.kind) return;
      const facts = factsOf(body);
      const rule = ruleFor(rules, body.status, facts);
      if (!rule) return;
      decided.kind = rule.kind;
      const to = OUTCOMES[rule.kind];
      const json = errorBody(to.type, messageFor(rule.kind, target, facts.message));
      return { status: to.status, json, raw: Buffer.from(JSON.stringify(json)), headers: to.transient ? undefined : NO_RETRY_HEADERS };
    },
    onResponseHead(ctx, head) {
      if (head.status >= 400 || ctx.peekSlot(DECIDED)?.kind) fixHead(ctx, head);
    },
  };
}
