/**
 * The `minimax-error-remap` response transform. MiniMax reports permanent failures as HTTP 500 and a
 * rejected key as 401; Claude Code retries both for minutes (401 then ends in "Please run /login", which
 * points at the Anthropic login). This maps them to statuses Claude Code shows at once and never retries.
 *
 * What Claude Code does with each status, run with the real CLI in -p mode (2.1.197 and 2.1.332, default
 * CLAUDE_CODE_MAX_RETRIES, API-key auth) against a local server answering every request with one status
 * (2026-12-01): 401 is retried with backoff (6 attempts in the first 20 s; the default is 10 retries); 401 and 403 are shown
 * as "Failed to authenticate. API Error: ..." (its error formatter, read from the CLI, says "Please run
 * /login · API Error: ..." instead when interactive); 402 is sent once and shown as "API Error: 402
 * <message>"; 400 is shown the same way (2.1.332 re-sends it at once with fewer betas, up to twice). The
 * formatter also replaces any message containing "x-api-key" with its own API-key hint. A 401 with
 * `x-should-retry: false` is sent once too, so that header is added as well (the Anthropic SDK honours it).
 */
import { NO_RETRY_HEADERS, USER_FIX_STATUS, type AnthropicErrorType } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import type { BufferedBody } from '../pipeline/stage.js';
import type { TransformDefinition } from './transform.js';

/** MiniMax codes of a rejected key: 1004 not authorised, 2049 invalid API key. */
export const MINIMAX_KEY_ERRORS: ReadonlySet<string> = new Set(['1004', '2049']);

/** MiniMax error code → status and Anthropic error type (the key codes become the key error). */
export const MINIMAX_PERMANENT_ERRORS: Readonly<Record<string, { status: number; type: AnthropicErrorType }>> = {
  '1004': { status: USER_FIX_STATUS, type: 'authentication_error' },
  '2049': { status: USER_FIX_STATUS, type: 'authentication_error' },
  '1008': { status: USER_FIX_STATUS, type: 'billing_error' },
  '2061': { status: USER_FIX_STATUS, type: 'permission_error' },
  '2013': { status: 400, type: 'invalid_request_error' },
  '1026': { status: 400, type: 'invalid_request_error' },
  '1027': { status: 400, type: 'invalid_request_error' },
};

type MiniMaxError = { error?: { message?: unknown }; base_resp?: { status_code?: unknown; status_msg?: unknown } } | undefined;

/** MiniMax's own text of an error ("insufficient balance (1008)"), from error.message or base_resp. */
function messageOf(json: unknown): string {
  const j = json as MiniMaxError;
  return typeof j?.error?.message === 'string' ? j.error.message : typeof j?.base_resp?.status_msg === 'string' ? j.base_resp.status_msg : '';
}

/** Finds a known MiniMax code in base_resp or in the error message. */
function codeOf(json: unknown, message: string): string | undefined {
  const j = json as MiniMaxError;
  const fromBase = j?.base_resp?.status_code !== undefined ? String(j.base_resp.status_code) : undefined;
  if (fromBase && MINIMAX_PERMANENT_ERRORS[fromBase]) return fromBase;
  for (const m of message.matchAll(/\b(\d{4})\b/g)) if (MINIMAX_PERMANENT_ERRORS[m[1]!]) return m[1]!;
  return undefined;
}

/**
 * The message of a rejected key, naming the variable the key comes from. Claude Code replaces any error
 * message containing "x-api-key" with its own API-key hint, so MiniMax's text never carries that word.
 */
export function keyRejectedMessage(ctx: RequestContext, original: string): string {
  const auth = ctx.upstream?.auth;
  const what = original.replace(/x-api-key/gi, 'API key header') || 'invalid API key';
  if (auth?.kind !== 'key') return `MiniMax rejected the credentials it was sent: ${what}`;
  return `MiniMax rejected the key in ${auth.env} (${what}). Set a valid MiniMax key in ${auth.env} where the gateway runs and restart it.`;
}

function errorAnswer(status: number, type: AnthropicErrorType, message: string): BufferedBody {
  const json = { type: 'error', error: { type, message } };
  return { status, json, raw: Buffer.from(JSON.stringify(json)), headers: NO_RETRY_HEADERS };
}

/** Remaps a MiniMax error answer, or returns undefined to leave it as it is. */
export function remapMiniMaxError(ctx: RequestContext, body: BufferedBody): BufferedBody | undefined {
  if (body.status < 400) return undefined;
  const message = messageOf(body.json);
  const code = codeOf(body.json, message);
  if (body.status === 401 || (code && MINIMAX_KEY_ERRORS.has(code))) {
    return errorAnswer(USER_FIX_STATUS, 'authentication_error', keyRejectedMessage(ctx, message));
  }
  if (body.status < 500 || !code) return undefined;
  const to = MINIMAX_PERMANENT_ERRORS[code]!;
  return errorAnswer(to.status, to.type, message || `MiniMax error ${code}`);
}

/** Remaps MiniMax's rejected keys and permanent 5xx errors to answers Claude Code does not retry. */
export const minimaxErrorRemap: TransformDefinition = {
  name: 'minimax-error-remap',
  phase: 'response',
  description:
    'Maps a rejected MiniMax key (HTTP 401, codes 1004, 2049) to 402 authentication_error naming the key variable, and permanent failures sent as HTTP 500 (1008, 2061 to 402; 2013, 1026, 1027 to 400), with x-should-retry: false, so Claude Code shows them at once instead of retrying.',
  compile: () => ({
    name: 'minimax-error-remap',
    onBody: (ctx, body) => remapMiniMaxError(ctx, body),
  }),
};
