/**
 * Chat Completions usage and finish_reason in Anthropic terms.
 * Usage: https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage — prompt_tokens include the
 * cached ones (prompt_tokens_details.cached_tokens), while Anthropic's input_tokens exclude cache reads; DeepSeek
 * reports its cache hits as prompt_cache_hit_tokens (https://api-docs.deepseek.com/api/create-chat-completion).
 * finish_reason: https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */

/** Anthropic's usage object. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

type Obj = Record<string, unknown>;

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

/** Zero usage (the message_start of a stream, before the usage chunk arrives). */
export const ZERO_USAGE: Readonly<AnthropicUsage> = Object.freeze({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });

/** Chat Completions usage → Anthropic usage: input = prompt − cached, cache reads = cached. */
export function anthropicUsage(usage: unknown): AnthropicUsage {
  const u = (usage && typeof usage === 'object' ? usage : {}) as Obj;
  const prompt = count(u.prompt_tokens);
  const details = (u.prompt_tokens_details && typeof u.prompt_tokens_details === 'object' ? u.prompt_tokens_details : {}) as Obj;
  const cached = Math.min(prompt, count(details.cached_tokens) || count(u.prompt_cache_hit_tokens));
  return { input_tokens: prompt - cached, output_tokens: count(u.completion_tokens), cache_creation_input_tokens: 0, cache_read_input_tokens: cached };
}

/** Anthropic stop reasons the translation produces. */
export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

/** finish_reason → stop_reason: stop → end_turn, length → max_tokens, tool_calls → tool_use, content_filter → refusal. */
export function stopReason(finish: unknown, calledTools: boolean): StopReason {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      // Some compatible servers end a turn that called tools with "stop".
      return calledTools ? 'tool_use' : 'end_turn';
  }
}
