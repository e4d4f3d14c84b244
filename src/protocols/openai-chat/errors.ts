/**
 * Chat Completions errors → Anthropic errors. OpenAI's error body is `{error: {message, type, param, code}}`
 * (https://platform.openai.com/docs/guides/error-codes); statuses map to the Anthropic error of the same meaning
 * (https://docs.anthropic.com/en/api/errors). A rejected key becomes the gateway's 402 (only the user can fix it,
 * see src/errors.ts); an exceeded context becomes Anthropic's "prompt is too long", which Claude Code answers by
 * compacting.
 */
import { errorBody, USER_FIX_STATUS, type AnthropicErrorType } from '../../errors.js';

type Obj = Record<string, unknown>;

function detailOf(json: unknown): { message: string; code: string } {
  const error = (json && typeof json === 'object' ? (json as Obj).error : undefined) ?? json;
  if (typeof error === 'string') return { message: error.slice(0, 2000), code: '' };
  const e = (error && typeof error === 'object' ? error : {}) as Obj;
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : typeof e.type === 'string' ? e.type : '';
  return { message, code };
}

function mapped(status: number, code: string): { status: number; type: AnthropicErrorType } {
  if (code === 'context_length_exceeded') return { status: 400, type: 'invalid_request_error' };
  if (code === 'insufficient_quota') return { status: USER_FIX_STATUS, type: 'billing_error' };
  if (status === 401) return { status: USER_FIX_STATUS, type: 'authentication_error' };
  if (status === 403) return { status, type: 'permission_error' };
  if (status === 404) return { status, type: 'not_found_error' };
  if (status === 408) return { status, type: 'timeout_error' };
  if (status === 413) return { status, type: 'request_too_large' };
  if (status === 429) return { status, type: 'rate_limit_error' };
  if (status === 503 || status === 529) return { status: 529, type: 'overloaded_error' };
  if (status === 504) return { status, type: 'timeout_error' };
  if (status >= 500) return { status, type: 'api_error' };
  return { status: status >= 400 ? status : 500, type: status >= 400 ? 'invalid_request_error' : 'api_error' };
}

/** An error answer (or a mid-stream error chunk, `status` 0 for none) as an Anthropic error body and status. */
export function translateChatError(status: number, json: unknown): { status: number; json: unknown } {
  const { message, code } = detailOf(json);
  const m = mapped(status, code);
  const text = code === 'context_length_exceeded' ? `prompt is too long: ${message}` : message || `upstream answered ${status || 'an error'}${code ? ` (${code})` : ''}`;
  return { status: m.status, json: errorBody(m.type, text) };
}
