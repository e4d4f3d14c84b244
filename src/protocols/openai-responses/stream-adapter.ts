/**
 * A Responses event stream → an Anthropic Messages event stream
 * (https://platform.openai.com/docs/api-reference/responses-streaming). Text parts become text blocks, function
 * call items tool_use blocks fed by input_json_delta, reasoning summaries thinking blocks closed by a
 * signature_delta that carries the reasoning item; blocks get dense indexes in the order they start.
 * response.completed / response.incomplete end the message; response.failed, `error` events and a stream that
 * stops early end it with Anthropic's `error` event.
 */
import type { AnthropicErrorType } from '../../errors.js';
import type { SseEvent } from '../../upstream/sse-reader.js';
import type { StreamAdapter } from '../types.js';
import { blockDelta, blockStart, blockStop, errorEvent, messageEnd, messageId, messageStart } from './anthropic-events.js';
import { errorMessage, errorTypeForCode, toAnthropicUsage, toStopReason } from './outcome.js';
import { encodeReasoningSignature, SUMMARY_JOINER, UNSUMMARISED_THINKING } from './reasoning-signature.js';
import { asObj, asStr, type Obj, type ResponsesAnswer } from './wire.js';

/** The Anthropic block being streamed: which upstream part it comes from and what it has sent. */
interface OpenBlock {
  key: string;
  index: number;
  kind: 'text' | 'tool_use' | 'thinking';
  /** tool_use: argument text was sent; thinking: summary text was sent. */
  sent: boolean;
  /** thinking: the length of each summary part streamed so far. */
  parts: number[];
}

/** Created per response; never shared. Never throws: malformed upstream events end the stream with an error event. */
export class ResponsesStreamAdapter implements StreamAdapter {
  private started = false;
  private finished = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private calledTool = false;
  /** function_call items announced by output_item.added, by item id. */
  private readonly calls = new Map<string, { callId: string; name: string }>();

  constructor(private readonly requestedModel: string | undefined) {}

  push(ev: SseEvent): SseEvent[] {
    if (this.finished || ev.event === 'comment' || ev.data === '' || ev.data === '[DONE]') return [];
    const data = parseData(ev);
    if (!data) return this.fail([], 'api_error', `malformed ${ev.event} event from the upstream`);
    const out: SseEvent[] = [];
    try {
      this.dispatch(asStr(data.type) ?? ev.event, data, out);
    } catch {
      return this.fail(out, 'api_error', `unexpected ${ev.event} event from the upstream`);
    }
    return out;
  }

  end(): SseEvent[] {
    if (this.finished) return [];
    return this.fail([], 'api_error', 'the upstream stream ended before response.completed');
  }

  private dispatch(type: string, d: Obj, out: SseEvent[]): void {
    if (type === 'response.created' || type === 'response.in_progress' || type === 'response.queued') this.start(out, asObj(d.response));
    else if (type === 'response.output_item.added') this.itemAdded(out, asObj(d.item));
    else if (type === 'response.output_item.done') this.itemDone(out, asObj(d.item));
    else if (type === 'response.content_part.added') this.partAdded(out, d);
    else if (type === 'response.content_part.done') this.closeIf(out, partKey(d));
    else if (type === 'response.output_text.delta' || type === 'response.refusal.delta') this.textDelta(out, d);
    else if (type === 'response.function_call_arguments.delta') this.argumentsDelta(out, asStr(d.item_id), asStr(d.delta));
    else if (type === 'response.function_call_arguments.done') this.argumentsDone(out, asStr(d.item_id), asStr(d.arguments));
    else if (type === 'response.reasoning_summary_part.added') this.summaryPart(out, d);
    else if (type === 'response.reasoning_summary_text.delta' || type === 'response.reasoning_text.delta') this.thinkingDelta(out, asStr(d.item_id), asStr(d.delta));
    else if (type === 'response.completed' || type === 'response.incomplete') this.complete(out, asObj(d.response) as ResponsesAnswer | undefined);
    else if (type === 'response.failed') this.failed(out, asObj(d.response) as ResponsesAnswer | undefined);
    else if (type === 'error') this.fail(out, errorTypeForCode(d.code) ?? 'api_error', errorMessage(d.code, asStr(d.message) ?? 'upstream error'));
  }

  private start(out: SseEvent[], response: Obj | undefined): void {
    if (this.started) return;
    this.started = true;
    out.push(messageStart(messageId(), this.requestedModel ?? asStr(response?.model)));
  }

  /** Opens a block for `key` (closing the one before); returns it. */
  private openBlock(out: SseEvent[], key: string, kind: OpenBlock['kind'], block: Obj): OpenBlock {
    this.start(out, undefined);
    this.closeOpen(out);
    this.open = { key, index: this.nextIndex++, kind, sent: false, parts: [] };
    out.push(blockStart(this.open.index, block));
    return this.open;
  }

  /** The open block for `key`, opening a new one when another (or none) is open. */
  private blockFor(out: SseEvent[], key: string, kind: OpenBlock['kind'], block: () => Obj): OpenBlock {
    return this.open?.key === key && this.open.kind === kind ? this.open : this.openBlock(out, key, kind, block());
  }

  private closeOpen(out: SseEvent[]): void {
    if (!this.open) return;
    out.push(blockStop(this.open.index));
    this.open = undefined;
  }

  private closeIf(out: SseEvent[], key: string): void {
    if (this.open?.key === key) this.closeOpen(out);
  }

  private itemAdded(out: SseEvent[], item: Obj | undefined): void {
    if (item?.type !== 'function_call') return;
    const id = asStr(item.id) ?? asStr(item.call_id) ?? '';
    const call = { callId: asStr(item.call_id) ?? id, name: asStr(item.name) ?? '' };
    this.calls.set(id, call);
    this.calledTool = true;
    this.openBlock(out, id, 'tool_use', toolBlock(call));
    this.argumentsDelta(out, id, asStr(item.arguments));
  }

  private itemDone(out: SseEvent[], item: Obj | undefined): void {
    const id = asStr(item?.id) ?? '';
    if (item?.type === 'reasoning') this.reasoningDone(out, id, item);
    else if (item?.type === 'function_call') {
      if (!this.calls.has(id)) this.itemAdded(out, item);
      else this.argumentsDone(out, id, asStr(item.arguments));
      this.closeIf(out, id);
    } else if (item?.type === 'message' && this.open?.key.startsWith(`${id}:`)) this.closeOpen(out);
  }

  private partAdded(out: SseEvent[], d: Obj): void {
    const part = asObj(d.part);
    if (part?.type === 'output_text' || part?.type === 'refusal') this.blockFor(out, partKey(d), 'text', () => ({ type: 'text', text: '' }));
  }

  private textDelta(out: SseEvent[], d: Obj): void {
    const text = asStr(d.delta);
    if (!text) return;
    const block = this.blockFor(out, partKey(d), 'text', () => ({ type: 'text', text: '' }));
    out.push(blockDelta(block.index, { type: 'text_delta', text }));
  }

  private argumentsDelta(out: SseEvent[], itemId: string | undefined, json: string | undefined): void {
    if (itemId === undefined || !json) return;
    const call = this.calls.get(itemId) ?? { callId: itemId, name: '' };
    const block = this.blockFor(out, itemId, 'tool_use', () => toolBlock(call));
    block.sent = true;
    out.push(blockDelta(block.index, { type: 'input_json_delta', partial_json: json }));
  }

  /** The full arguments, sent only when no delta carried them. */
  private argumentsDone(out: SseEvent[], itemId: string | undefined, json: string | undefined): void {
    if (this.open?.key === itemId && this.open?.kind === 'tool_use' && !this.open.sent) this.argumentsDelta(out, itemId, json);
  }

  private summaryPart(out: SseEvent[], d: Obj): void {
    const id = asStr(d.item_id) ?? '';
    const block = this.blockFor(out, id, 'thinking', thinkingBlock);
    if (block.parts.length === 0) return;
    // A later part: separated from the text before it (the signature records the part lengths to split again).
    block.parts.push(0);
    out.push(blockDelta(block.index, { type: 'thinking_delta', thinking: SUMMARY_JOINER }));
  }

  private thinkingDelta(out: SseEvent[], itemId: string | undefined, text: string | undefined): void {
    if (itemId === undefined || !text) return;
    const block = this.blockFor(out, itemId, 'thinking', thinkingBlock);
    block.sent = true;
    if (block.parts.length === 0) block.parts.push(0);
    block.parts[block.parts.length - 1]! += text.length;
    out.push(blockDelta(block.index, { type: 'thinking_delta', thinking: text }));
  }

  /** Ends a reasoning item's thinking block with the signature carrying the item (a block is made if none streamed). */
  private reasoningDone(out: SseEvent[], id: string, item: Obj): void {
    const encrypted = asStr(item.encrypted_content);
    const open = this.open?.key === id && this.open.kind === 'thinking' ? this.open : undefined;
    if (!open && encrypted === undefined) return;
    const block = open ?? this.openBlock(out, id, 'thinking', thinkingBlock());
    if (!block.sent) out.push(blockDelta(block.index, { type: 'thinking_delta', thinking: UNSUMMARISED_THINKING }));
    const signature = encodeReasoningSignature({ id, encryptedContent: encrypted, summarised: block.sent, partLengths: block.parts });
    out.push(blockDelta(block.index, { type: 'signature_delta', signature }));
    this.closeOpen(out);
  }

  private complete(out: SseEvent[], response: ResponsesAnswer | undefined): void {
    this.start(out, response as Obj | undefined);
    this.closeOpen(out);
    out.push(...messageEnd(toStopReason(response, this.calledTool), toAnthropicUsage(response?.usage)));
    this.finished = true;
  }

  private failed(out: SseEvent[], response: ResponsesAnswer | undefined): void {
    const code = response?.error?.code;
    this.fail(out, errorTypeForCode(code) ?? 'api_error', errorMessage(code, response?.error?.message ?? 'the upstream response failed'));
  }

  private fail(out: SseEvent[], type: AnthropicErrorType, message: string): SseEvent[] {
    out.push(errorEvent(type, message));
    this.finished = true;
    return out;
  }
}

function parseData(ev: SseEvent): Obj | undefined {
  if (asObj(ev.json)) return ev.json as Obj;
  try {
    return asObj(JSON.parse(ev.data));
  } catch {
    return undefined;
  }
}

/** The key of a message content part: its item id and content index. */
function partKey(d: Obj): string {
  return `${asStr(d.item_id) ?? ''}:${typeof d.content_index === 'number' ? d.content_index : 0}`;
}

function toolBlock(call: { callId: string; name: string }): Obj {
  return { type: 'tool_use', id: call.callId, name: call.name, input: {} };
}

function thinkingBlock(): Obj {
  return { type: 'thinking', thinking: '', signature: '' };
}
