/**
 * The fake upstream's replies: a fixed JSON message per provider and an SSE event sequence with send timestamps.
 */

/** Route names the fake upstream distinguishes by path. */
export type Provider = 'anthropic' | 'minimax';

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The fixed non-streaming reply for a provider. */
export function jsonReply(provider: Provider): Buffer {
  const message =
    provider === 'minimax'
      ? {
          id: '0123456789abcdef0123456789abcdef',
          type: 'message',
          role: 'assistant',
          model: 'MiniMax-M2.7',
          content: [{ type: 'text', text: 'ok' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          base_resp: { status_code: 0, status_msg: '' },
        }
      : {
          id: 'msg_01BenchFixedReply0000000',
          type: 'message',
          role: 'assistant',
          model: 'claude-opus-4-8',
          content: [{ type: 'text', text: 'ok' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        };
  return Buffer.from(JSON.stringify(message));
}

/** One SSE event with its `event:` line. */
function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Event `index` of a stream of `total` events (total >= 6): message_start, content_block_start, text deltas
 * carrying the send time as `t=<ms>`, content_block_stop, message_delta, message_stop.
 */
export function streamEvent(provider: Provider, index: number, total: number): string {
  const model = provider === 'minimax' ? 'MiniMax-M2.7' : 'claude-opus-4-8';
  if (index === 0) {
    return event('message_start', {
      type: 'message_start',
      message: {
        id: provider === 'minimax' ? '0123456789abcdef0123456789abcdef' : 'msg_01BenchStream000000000',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
  }
  if (index === 1) {
    return event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  }
  if (index === total - 3) return event('content_block_stop', { type: 'content_block_stop', index: 0 });
  if (index === total - 2) {
    return event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: total },
    });
  }
  if (index === total - 1) return event('message_stop', { type: 'message_stop' });
  return event('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: `t=${wallMs().toFixed(3)} ` },
  });
}
