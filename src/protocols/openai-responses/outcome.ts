/**
 * How a Responses answer ended, in Anthropic terms: stop reason, usage, and error types.
 * References: https://platform.openai.com/docs/api-reference/responses/object (status, incomplete_details, usage)
 * and https://platform.openai.com/docs/guides/error-codes.
 */
import type { AnthropicErrorType } from '../../errors.js';
import { asCount, type ResponsesAnswer, type ResponsesUsage } from './wire.js';

/** Anthropic usage of a message (cache writes and reads reported apart from input_tokens, as Anthropic does). */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * Responses usage → Anthropic usage. Responses input_tokens include cached (and cache-written) tokens;
 * Anthropic input_tokens do not, so those are taken out and reported as cache reads (and writes).
 */
export function toAnthropicUsage(u: ResponsesUsage | undefined): AnthropicUsage {
  const cached = asCount(u?.input_tokens_details?.cached_tokens);
  const written = asCount(u?.input_tokens_details?.cache_write_tokens);
  return {
    input_tokens: Math.max(0, asCount(u?.input_tokens) - cached - written),
    output_tokens: asCount(u?.output_tokens),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cached,
  };
}

/** The Anthropic stop_reason of a finished answer; `calledTool` when it produced a function call. */
export function toStopReason(answer: ResponsesAnswer | undefined, calledTool: boolean): string {
  const reason = answer?.incomplete_details?.reason;
  if (answer?.status === 'incomplete' && reason === 'max_output_tokens') return 'max_tokens';
  if (answer?.status === 'incomplete' && reason === 'content_filter') return 'refusal';
  return calledTool ? 'tool_use' : 'end_turn';
}

/** An OpenAI error code (of an error answer, an `error` event or a failed response) → Anthropic error type. */
export function errorTypeForCode(code: unknown): AnthropicErrorType | undefined {
  if (typeof code !== 'string') return undefined;
  if (code === 'rate_limit_exceeded') return 'rate_limit_error';
  if (code === 'insufficient_quota') return 'billing_error';
  if (code === 'server_error' || code === 'vector_store_timeout') return 'api_error';
  if (code === 'invalid_api_key') return 'authentication_error';
  if (code === 'context_length_exceeded' || code === 'invalid_prompt' || /image/.test(code)) return 'invalid_request_error';
  return undefined;
}

/**
 * The Anthropic error message for an OpenAI one: an over-long prompt is reported the way Anthropic words it
 * ("prompt is too long"), which Anthropic clients such as Claude Code act on by compacting the conversation.
 */
export function errorMessage(code: unknown, message: string): string {
  return code === 'context_length_exceeded' && !/^prompt is too long/i.test(message) ? `prompt is too long: ${message}` : message;
}
