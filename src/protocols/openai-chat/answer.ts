/**
 * A non-streamed chat.completion object (https://platform.openai.com/docs/api-reference/chat/object) → an
 * Anthropic message (https://docs.anthropic.com/en/api/messages): reasoning as a thinking block (empty signature),
 * then the text, then one tool_use block per tool call, ids kept.
 */
import { messageId } from './stream.js';
import { anthropicUsage, stopReason } from './usage.js';

type Obj = Record<string, unknown>;

function toolInput(args: unknown): unknown {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : { value: v };
  } catch {
    // Arguments that are not JSON are kept for the model to see, not lost.
    return { unparsed_arguments: args };
  }
}

function blocksOf(message: Obj): Obj[] {
  const blocks: Obj[] = [];
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : typeof message.reasoning === 'string' ? message.reasoning : '';
  if (reasoning) blocks.push({ type: 'thinking', thinking: reasoning, signature: '' });
  const text = typeof message.content === 'string' ? message.content : '';
  if (text) blocks.push({ type: 'text', text });
  if (typeof message.refusal === 'string' && message.refusal) blocks.push({ type: 'text', text: message.refusal });
  for (const call of Array.isArray(message.tool_calls) ? (message.tool_calls as Obj[]) : []) {
    const fn = (call?.function ?? {}) as Obj;
    if (typeof fn.name !== 'string' || !fn.name) continue;
    blocks.push({ type: 'tool_use', id: typeof call.id === 'string' && call.id ? call.id : `call_${blocks.length}`, name: fn.name, input: toolInput(fn.arguments) });
  }
  return blocks;
}

/** Translates one chat.completion; throws when it holds no choice (the caller answers a 502). */
export function translateChatAnswer(json: unknown, requestedModel: string | undefined): unknown {
  const answer = (json && typeof json === 'object' ? json : {}) as Obj;
  const choice = Array.isArray(answer.choices) ? (answer.choices[0] as Obj | undefined) : undefined;
  if (!choice || typeof choice.message !== 'object' || choice.message === null) throw new Error('no choices[0].message');
  const message = choice.message as Obj;
  const content = blocksOf(message);
  const refused = typeof message.refusal === 'string' && message.refusal !== '';
  return {
    id: messageId(answer.id),
    type: 'message',
    role: 'assistant',
    model: typeof answer.model === 'string' && answer.model ? answer.model : requestedModel ?? 'unknown',
    content,
    stop_reason: refused ? 'refusal' : stopReason(choice.finish_reason, content.some((b) => b.type === 'tool_use')),
    stop_sequence: null,
    usage: anthropicUsage(answer.usage),
  };
}
