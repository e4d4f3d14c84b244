/**
 * Anthropic messages → Chat Completions messages (https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages).
 * The system prompt becomes a system (or developer) message; an assistant turn's tool_use blocks become its
 * tool_calls (ids kept); a user turn's tool_result blocks become `tool` messages, sent first, as Chat Completions
 * wants them right after the assistant message that called the tools; the rest of the user turn follows.
 */
import type { ContentBlock, Message } from '../../pipeline/messages.js';
import type { Notes } from '../notes.js';
import type { TranslateOptions } from '../types.js';
import { asContent, textOf, userPart, type ChatPart } from './content.js';

/** A Chat Completions message as the gateway writes it. */
export type ChatMessage = Record<string, unknown> & { role: string };

/** Prefix of a tool message whose Anthropic tool_result had `is_error: true` (Chat Completions has no such flag). */
export const TOOL_ERROR_PREFIX = '[tool error] ';

/** The system prompt (a string or text blocks) as one system or developer message; none when it is empty. */
export function systemMessages(system: unknown, opts: TranslateOptions, notes: Notes): ChatMessage[] {
  if (Array.isArray(system) && system.some((b) => (b as ContentBlock)?.type !== 'text')) notes.add('dropped: non-text blocks of the system prompt');
  const text = textOf(system);
  return text ? [{ role: opts.systemRole ?? 'system', content: text }] : [];
}

function toolMessage(block: ContentBlock, images: ChatPart[], notes: Notes): ChatMessage {
  const parts: string[] = [];
  if (typeof block.content === 'string') parts.push(block.content);
  else if (Array.isArray(block.content)) {
    for (const b of block.content as ContentBlock[]) {
      if (b?.type === 'text' && typeof b.text === 'string') parts.push(b.text);
      else if (b?.type === 'image') {
        // A tool message holds text only: the image goes in a user message right after the tool messages.
        const part = userPart(b, notes);
        if (part) images.push(part);
        notes.add('moved: an image of a tool result into the following user message');
      } else notes.add(`dropped: ${String(b?.type)} block in a tool result`);
    }
  }
  const text = parts.join('\n\n');
  return { role: 'tool', tool_call_id: String(block.tool_use_id ?? ''), content: block.is_error === true ? TOOL_ERROR_PREFIX + text : text };
}

function userMessages(content: ContentBlock[], notes: Notes): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const images: ChatPart[] = [];
  const parts: ChatPart[] = [];
  for (const block of content) {
    if (!block || typeof block !== 'object') continue;
    if (block.type === 'tool_result') tools.push(toolMessage(block, images, notes));
    else {
      const part = userPart(block, notes);
      if (part) parts.push(part);
    }
  }
  const rest = [...images, ...parts];
  return rest.length > 0 ? [...tools, { role: 'user', content: asContent(rest) }] : tools;
}

function toolCall(block: ContentBlock): Record<string, unknown> {
  return { id: String(block.id ?? ''), type: 'function', function: { name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) } };
}

function assistantMessage(content: ContentBlock[], opts: TranslateOptions, notes: Notes): ChatMessage {
  const texts: string[] = [];
  const calls: Record<string, unknown>[] = [];
  const reasoning: string[] = [];
  for (const block of content) {
    if (block?.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block?.type === 'tool_use') {
      const call = toolCall(block);
      if (calls.some((c) => c.id === call.id)) notes.add('dropped: a tool call repeating the id of another in the same turn');
      else calls.push(call);
    }
    else if (block?.type === 'thinking' && typeof block.thinking === 'string') {
      if (opts.reasoningContent) reasoning.push(block.thinking);
      else notes.add('dropped: thinking of an earlier assistant turn (set protocol.reasoning_content to send it back)');
    } else notes.add(`dropped: ${String(block?.type)} block in an assistant turn`);
  }
  const message: ChatMessage = { role: 'assistant', content: texts.length > 0 ? texts.join('\n\n') : calls.length > 0 ? null : '' };
  if (calls.length > 0) message.tool_calls = calls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('\n\n');
  return message;
}

/** Text of the tool message that stands in for a result the history lacks. */
export const MISSING_RESULT = '[no result was sent for this tool call]';

/**
 * Chat Completions wants each assistant tool call answered by a tool message right after it, and no tool message
 * that answers nothing: an orphan result is dropped, a call left unanswered gets a stand-in result (both noted).
 */
function pairToolMessages(messages: ChatMessage[], notes: Notes): ChatMessage[] {
  const out: ChatMessage[] = [];
  let open: string[] = [];
  const closeOpen = (): void => {
    for (const id of open) out.push({ role: 'tool', tool_call_id: id, content: MISSING_RESULT });
    if (open.length > 0) notes.add('added: a stand-in result for a tool call the history leaves unanswered');
    open = [];
  };
  for (const m of messages) {
    if (m.role === 'tool') {
      const at = open.indexOf(m.tool_call_id as string);
      if (at < 0) notes.add('dropped: a tool result that answers no tool call just before it');
      else {
        open.splice(at, 1);
        out.push(m);
      }
      continue;
    }
    closeOpen();
    out.push(m);
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) open = (m.tool_calls as Array<{ id: string }>).map((c) => c.id);
  }
  closeOpen();
  return out;
}

/** The conversation as Chat Completions messages. */
export function chatMessages(messages: unknown, opts: TranslateOptions, notes: Notes): ChatMessage[] {
  return pairToolMessages(plainMessages(messages, opts, notes), notes);
}

function plainMessages(messages: unknown, opts: TranslateOptions, notes: Notes): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of Array.isArray(messages) ? (messages as Message[]) : []) {
    const content: ContentBlock[] = typeof m?.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m?.content) ? m.content : [];
    if (m?.role === 'assistant') out.push(assistantMessage(content, opts, notes));
    else if (m?.role === 'user') out.push(...userMessages(content, notes));
    else notes.add(`dropped: a message with role ${String(m?.role)}`);
  }
  return out;
}
