/** Builders of the Anthropic Messages stream events (https://docs.anthropic.com/en/docs/build-with-claude/streaming). */
import { randomUUID } from 'node:crypto';
import { errorBody, type AnthropicErrorType } from '../../errors.js';
import { formatEvent, type SseEvent } from '../../upstream/sse-reader.js';
import type { AnthropicUsage } from './outcome.js';

/** One named Anthropic event, its data parsed and serialised. */
export function anthropicEvent(event: string, json: Record<string, unknown>): SseEvent {
  const data = JSON.stringify(json);
  return { event, data, raw: formatEvent(event, data), json };
}

/** message_start of a message with no content yet and zero usage (the real usage comes with message_delta). */
export function messageStart(id: string, model: string | undefined): SseEvent {
  const usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const message = { id, type: 'message', role: 'assistant', model: model ?? '', content: [], stop_reason: null, stop_sequence: null, usage };
  return anthropicEvent('message_start', { type: 'message_start', message });
}

/** content_block_start of block `index`. */
export function blockStart(index: number, block: Record<string, unknown>): SseEvent {
  return anthropicEvent('content_block_start', { type: 'content_block_start', index, content_block: block });
}

/** content_block_delta of block `index`. */
export function blockDelta(index: number, delta: Record<string, unknown>): SseEvent {
  return anthropicEvent('content_block_delta', { type: 'content_block_delta', index, delta });
}

/** content_block_stop of block `index`. */
export function blockStop(index: number): SseEvent {
  return anthropicEvent('content_block_stop', { type: 'content_block_stop', index });
}

/** message_delta with the stop reason and the final usage, then message_stop. */
export function messageEnd(stopReason: string, usage: AnthropicUsage): SseEvent[] {
  return [
    anthropicEvent('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage }),
    anthropicEvent('message_stop', { type: 'message_stop' }),
  ];
}

/** Anthropic's in-stream error event. */
export function errorEvent(type: AnthropicErrorType, message: string): SseEvent {
  return anthropicEvent('error', errorBody(type, message) as unknown as Record<string, unknown>);
}

/**
 * A fresh Anthropic message id for each translated answer, never derived from the upstream's id alone: Claude Code
 * merges answers sharing an id into one turn, and upstreams (or proxies in front of them) may repeat ids.
 */
export function messageId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}
