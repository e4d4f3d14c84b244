/**
 * A Chat Completions stream (https://platform.openai.com/docs/api-reference/chat-streaming/streaming) → Anthropic
 * Messages stream events (https://docs.anthropic.com/en/docs/build-with-claude/streaming), chunk by chunk as they
 * arrive. Blocks get dense indexes in the order they start; the open block is closed before the next one starts
 * (text before tool calls, one tool call after another). Reasoning deltas (`reasoning_content`, as DeepSeek sends
 * them, or `reasoning`) become thinking blocks with an empty signature: they carry no Anthropic signature, and
 * the thinking recorder turns them into text before they reach Anthropic. The finish chunk is held until the
 * usage chunk (stream_options.include_usage) or `[DONE]`; a stream that ends without a finish_reason ends with
 * an Anthropic `error` event.
 */
import { randomBytes } from 'node:crypto';
import { errorEnvelope, GatewayError } from '../../errors.js';
import { formatEvent, type SseEvent } from '../../upstream/sse-reader.js';
import type { StreamAdapter } from '../types.js';
import { translateChatError } from './errors.js';
import { anthropicUsage, stopReason, ZERO_USAGE, type AnthropicUsage } from './usage.js';

type Obj = Record<string, unknown>;

/** An Anthropic event, formatted, with its data kept parsed for the response stages. */
export function anthropicEvent(event: string, data: Obj): SseEvent {
  const text = JSON.stringify(data);
  return { event, data: text, raw: formatEvent(event, text), json: data };
}

/** A tool call seen in the stream; its block opens once its name is known. */
interface ToolCall {
  id: string;
  name: string;
  args: string;
  /** The Anthropic block index once opened. */
  block?: number;
}

/**
 * A message id in Anthropic's form: the upstream's id, made unique. Claude Code merges the blocks of answers that
 * share an id into one assistant turn, and some compatible servers send the same id with every answer.
 */
export function messageId(id: unknown): string {
  const given = typeof id === 'string' ? id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 80) : '';
  return `msg_${given ? `${given}_` : ''}${randomBytes(6).toString('hex')}`;
}

/** Created per response; never shared. */
export class ChatStreamAdapter implements StreamAdapter {
  private started = false;
  private done = false;
  private next = 0;
  private open: { kind: 'text' | 'thinking' | 'tool'; index: number; tool?: number } | undefined;
  private readonly tools = new Map<number, ToolCall>();
  private finish: unknown;
  private usage: AnthropicUsage = ZERO_USAGE;
  private calledTools = false;

  constructor(private readonly requestedModel: string | undefined) {}

  push(ev: SseEvent): SseEvent[] {
    if (this.done || ev.event === 'comment') return [];
    if (ev.data.trim() === '[DONE]') return this.close();
    let chunk: Obj;
    try {
      chunk = JSON.parse(ev.data) as Obj;
    } catch {
      return [];
    }
    if (!chunk || typeof chunk !== 'object') return [];
    if (chunk.error !== undefined || ev.event === 'error') return this.fail(chunk);
    const out: SseEvent[] = [];
    if (!this.started) out.push(this.start(chunk));
    const choice = Array.isArray(chunk.choices) ? (chunk.choices[0] as Obj | undefined) : undefined;
    if (choice?.delta && typeof choice.delta === 'object') this.delta(choice.delta as Obj, out);
    if (choice?.finish_reason) {
      this.finish = choice.finish_reason;
      this.stopOpen(out);
    }
    if (chunk.usage && typeof chunk.usage === 'object') this.usage = anthropicUsage(chunk.usage);
    return out;
  }

  end(): SseEvent[] {
    if (this.done) return [];
    if (this.finish !== undefined) return this.close();
    this.done = true;
    const cut = new GatewayError('upstream_stream_broken', 'upstream stream ended before its answer was complete (no finish_reason)');
    return [anthropicEvent('error', { ...errorEnvelope(cut) })];
  }

  private start(chunk: Obj): SseEvent {
    this.started = true;
    const model = typeof chunk.model === 'string' && chunk.model ? chunk.model : this.requestedModel ?? 'unknown';
    const message = { id: messageId(chunk.id), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...ZERO_USAGE } };
    return anthropicEvent('message_start', { type: 'message_start', message });
  }

  private delta(d: Obj, out: SseEvent[]): void {
    const reasoning = typeof d.reasoning_content === 'string' ? d.reasoning_content : typeof d.reasoning === 'string' ? d.reasoning : '';
    if (reasoning) this.write('thinking', { type: 'thinking_delta', thinking: reasoning }, out);
    if (typeof d.content === 'string' && d.content) this.write('text', { type: 'text_delta', text: d.content }, out);
    if (typeof d.refusal === 'string' && d.refusal) {
      this.finish ??= 'content_filter';
      this.write('text', { type: 'text_delta', text: d.refusal }, out);
    }
    if (Array.isArray(d.tool_calls)) for (const call of d.tool_calls as Obj[]) this.toolDelta(call, out);
  }

  /** Writes a text or thinking delta, opening a block of that kind when another kind is open. */
  private write(kind: 'text' | 'thinking', delta: Obj, out: SseEvent[]): void {
    if (this.open?.kind !== kind) {
      this.stopOpen(out);
      const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
      out.push(this.startBlock(block));
      this.open = { kind, index: this.next++ };
    }
    out.push(anthropicEvent('content_block_delta', { type: 'content_block_delta', index: this.open.index, delta }));
  }

  private toolDelta(call: Obj, out: SseEvent[]): void {
    const at = typeof call.index === 'number' ? call.index : this.tools.size;
    const fn = (call.function && typeof call.function === 'object' ? call.function : {}) as Obj;
    let tool = this.tools.get(at);
    if (!tool) this.tools.set(at, (tool = { id: '', name: '', args: '' }));
    if (typeof call.id === 'string' && call.id && !tool.id) tool.id = call.id;
    if (typeof fn.name === 'string' && tool.block === undefined) tool.name += fn.name;
    const args = typeof fn.arguments === 'string' ? fn.arguments : '';
    if (tool.block === undefined) {
      tool.args += args;
      if (!tool.name) return;
      this.stopOpen(out);
      tool.id ||= `call_${this.next}_${Math.random().toString(36).slice(2, 10)}`;
      out.push(this.startBlock({ type: 'tool_use', id: tool.id, name: tool.name, input: {} }));
      tool.block = this.next++;
      this.open = { kind: 'tool', index: tool.block, tool: at };
      this.calledTools = true;
      if (tool.args) out.push(this.jsonDelta(tool.block, tool.args));
    } else if (args && this.open?.tool === at) out.push(this.jsonDelta(tool.block, args));
  }

  private jsonDelta(index: number, partial: string): SseEvent {
    return anthropicEvent('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
  }

  private startBlock(block: Obj): SseEvent {
    return anthropicEvent('content_block_start', { type: 'content_block_start', index: this.next, content_block: block });
  }

  private stopOpen(out: SseEvent[]): void {
    if (!this.open) return;
    out.push(anthropicEvent('content_block_stop', { type: 'content_block_stop', index: this.open.index }));
    this.open = undefined;
  }

  /** The closing events: the open block's stop, message_delta with stop reason and usage, message_stop. */
  private close(): SseEvent[] {
    if (this.done) return [];
    if (this.finish === undefined) return this.end();
    this.done = true;
    const out: SseEvent[] = [];
    this.stopOpen(out);
    const delta = { stop_reason: stopReason(this.finish, this.calledTools), stop_sequence: null };
    out.push(anthropicEvent('message_delta', { type: 'message_delta', delta, usage: { ...this.usage } }));
    out.push(anthropicEvent('message_stop', { type: 'message_stop' }));
    return out;
  }

  private fail(chunk: Obj): SseEvent[] {
    this.done = true;
    const { json } = translateChatError(0, chunk);
    return [anthropicEvent('error', json as Obj)];
  }
}
