/**
 * An OpenAI error answer (`{error: {message, type, code, param}}`, https://platform.openai.com/docs/guides/error-codes)
 * → an Anthropic error body (https://docs.anthropic.com/en/api/errors) and the status to send.
 */
import { errorBody, USER_FIX_STATUS, type AnthropicErrorType } from '../../errors.js';
import { errorMessage, errorTypeForCode } from './outcome.js';
import { asObj, asStr } from './wire.js';

/** The Anthropic error type Anthropic itself uses for an HTTP status. */
export function errorTypeForStatus(status: number): AnthropicErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/**
 * Translates one error answer. The status is kept, except for what only the user can fix, sent with the gateway's
 * user-fix status (see src/errors.ts): a rejected key (401) and an exhausted quota (429 `insufficient_quota`).
 */
export function translateError(status: number, json: unknown): { status: number; json: unknown } {
  const err = asObj(asObj(json)?.error);
  const code = err?.code ?? err?.type;
  const text = asStr(err?.message) ?? (typeof json === 'string' && json !== '' ? json : `upstream answered HTTP ${status}`);
  const byCode = errorTypeForCode(code);
  if (byCode === 'billing_error') return { status: USER_FIX_STATUS, json: errorBody('billing_error', text) };
  if (status === 401) return { status: USER_FIX_STATUS, json: errorBody('authentication_error', text) };
  const type = status === 400 && byCode ? byCode : errorTypeForStatus(status);
  return { status, json: errorBody(type, errorMessage(code, text)) };
}
