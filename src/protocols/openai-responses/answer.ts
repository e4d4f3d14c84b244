/**
 * A buffered (non-streaming) Responses answer → an Anthropic message
 * (https://platform.openai.com/docs/api-reference/responses/object → https://docs.anthropic.com/en/api/messages).
 */
import { messageId } from './anthropic-events.js';
import { toAnthropicUsage, toStopReason } from './outcome.js';
import { encodeReasoningSignature, SUMMARY_JOINER, UNSUMMARISED_THINKING } from './reasoning-signature.js';
import { asObj, asStr, type Obj, type ResponsesAnswer } from './wire.js';

/** Translates one answer; output items of other types (built-in tool calls) are left out. */
export function translateAnswer(json: unknown, requestedModel: string | undefined): unknown {
  const answer = (asObj(json) ?? {}) as ResponsesAnswer;
  const content: Obj[] = [];
  let calledTool = false;
  for (const raw of Array.isArray(answer.output) ? answer.output : []) {
    const item = asObj(raw);
    if (item?.type === 'reasoning') pushReasoning(content, item);
    else if (item?.type === 'message') pushMessage(content, item);
    else if (item?.type === 'function_call') {
      calledTool = true;
      content.push({ type: 'tool_use', id: asStr(item.call_id) ?? asStr(item.id) ?? '', name: asStr(item.name) ?? '', input: parseArguments(item.arguments) });
    }
  }
  return {
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model: requestedModel ?? answer.model ?? '',
    content,
    stop_reason: toStopReason(answer, calledTool),
    stop_sequence: null,
    usage: toAnthropicUsage(answer.usage),
  };
}

/** Texts of the parts of `list` whose type is `type`. */
function textsOf(list: unknown, type: string): string[] {
  if (!Array.isArray(list)) return [];
  return list.map(asObj).filter((p) => p?.type === type && typeof p.text === 'string').map((p) => p!.text as string);
}

/** A reasoning item as a thinking block whose signature carries the item. */
function pushReasoning(content: Obj[], item: Obj): void {
  const summary = textsOf(item.summary, 'summary_text');
  const parts = summary.length > 0 ? summary : textsOf(item.content, 'reasoning_text');
  const text = parts.join(SUMMARY_JOINER);
  const encryptedContent = asStr(item.encrypted_content);
  if (text === '' && encryptedContent === undefined) return;
  const partLengths = parts.map((p) => p.length);
  const signature = encodeReasoningSignature({ id: asStr(item.id) ?? '', encryptedContent, summarised: text !== '', partLengths });
  content.push({ type: 'thinking', thinking: text || UNSUMMARISED_THINKING, signature });
}

/** An assistant message item's text and refusal parts as text blocks. */
function pushMessage(content: Obj[], item: Obj): void {
  for (const raw of Array.isArray(item.content) ? item.content : []) {
    const part = asObj(raw);
    const text = part?.type === 'output_text' ? asStr(part.text) : part?.type === 'refusal' ? asStr(part.refusal) : undefined;
    if (text) content.push({ type: 'text', text });
  }
}

/** Function-call arguments (a JSON string) as a tool_use input object; anything else becomes `{}`. */
function parseArguments(args: unknown): Obj {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    return asObj(JSON.parse(args)) ?? {};
  } catch {
    return {};
  }
}
