/**
 * The one answer to "what did the user just say?", for every rule: conditions, strip-trigger, replies,
 * explain and rule tests read the user's words through `locateUserText`.
 *
 * Claude Code puts the words in several places, depending on its release and on what was running:
 * - the last text block (or the string content) of the last user turn, after `<system-reminder>` blocks;
 * - from 2.1.233 the messages may END with `role: "system"` turns (token reminders, `# Environment`):
 *   those are skipped;
 * - text typed while a tool runs arrives wrapped in Claude Code's own words ("The user sent a new message
 *   while you were working:\n<text>") as a trailing system turn (2.1.197–2.1.265), as a text block of the
 *   tool_result turn (2.1.332), or inside a tool_result's content (thinking type `enabled`).
 * In a turn that carries tool results, only wrapped text counts: its other text blocks are the client's;
 * and a text block that starts with `<system-reminder>` is always the client's (e.g. the notification of a
 * finished background agent, which arrives as a user turn of its own).
 */
import type { ContentBlock, Message } from './messages.js';

/** The words Claude Code puts before text typed while a tool was running. */
export const TYPED_WHILE_WORKING = 'The user sent a new message while you were working:';

/** Where the user's words sit: a string somewhere in a message, and the words' span inside it. */
export interface TextLocation {
  /** Index of the message in `messages`. */
  message: number;
  /** Index of the content block; -1 for string content. */
  block: number;
  /** Index inside a tool_result block's content; -1 for its string content; undefined outside a tool_result. */
  inner?: number;
  /** The whole string at that place. */
  text: string;
  /** Where the user's words start in `text` (after Claude Code's wrapper, if any). */
  start: number;
  /** Where they end. */
  end: number;
}

/** Reads message `i` of a body (parsed alone when the body is not). */
export type MessageAt = (i: number) => Partial<Message> | null | undefined;

/**
 * What Claude Code writes after the typed text: the instruction of 2.1.197, that of 2.1.250 and later, and,
 * when neither is there, the end of the reminder that holds it.
 */
const TYPED_TRAILERS = ['\n\nIMPORTANT: After completing your current task', '\n\nThis is how Claude Code surfaces messages', '\n</system-reminder>'];

/** Claude Code's own text blocks (reminders, notifications) start like this; the user's words never do. */
const REMINDER = '<system-reminder>';

/** The user's words in `text`: after the wrapper when there is one; `wrappedOnly` refuses unwrapped text. */
function wordsIn(text: string, wrappedOnly: boolean): { start: number; end: number } | undefined {
  const w = text.lastIndexOf(TYPED_WHILE_WORKING);
  if (w < 0) return wrappedOnly || text.trimStart().startsWith(REMINDER) ? undefined : { start: 0, end: text.length };
  const start = w + TYPED_WHILE_WORKING.length + (text[w + TYPED_WHILE_WORKING.length] === '\n' ? 1 : 0);
  let end = text.length;
  for (const trailer of TYPED_TRAILERS) {
    const at = text.indexOf(trailer, start);
    if (at >= 0 && at < end) end = at;
  }
  return { start, end };
}

function isText(b: unknown): b is ContentBlock & { text: string } {
  return !!b && typeof b === 'object' && (b as ContentBlock).type === 'text' && typeof (b as ContentBlock).text === 'string';
}

/** The words inside a tool_result block's content, if the user typed some while it ran. */
function inToolResult(block: ContentBlock, message: number, index: number): TextLocation | undefined {
  const content = block.content;
  if (typeof content === 'string') {
    const span = wordsIn(content, true);
    return span && { message, block: index, inner: -1, text: content, ...span };
  }
  if (!Array.isArray(content)) return undefined;
  for (let k = content.length - 1; k >= 0; k--) {
    const c: unknown = content[k];
    if (!isText(c)) continue;
    const span = wordsIn(c.text, true);
    if (span) return { message, block: index, inner: k, text: c.text, ...span };
  }
  return undefined;
}

/** The user's words in one message; `wrappedOnly` for system turns and turns holding tool results. */
function inMessage(m: Partial<Message>, index: number, wrappedOnly: boolean): TextLocation | undefined {
  const content = m.content;
  if (typeof content === 'string') {
    const span = wordsIn(content, wrappedOnly);
    return span && { message: index, block: -1, text: content, ...span };
  }
  if (!Array.isArray(content)) return undefined;
  const tools = wrappedOnly || content.some((b) => b && typeof b === 'object' && b.type === 'tool_result');
  for (let b = content.length - 1; b >= 0; b--) {
    const block = content[b];
    if (isText(block)) {
      const span = wordsIn(block.text, tools);
      if (span) return { message: index, block: b, text: block.text, ...span };
    } else if (block && typeof block === 'object' && block.type === 'tool_result') {
      const found = inToolResult(block, index, b);
      if (found) return found;
    }
  }
  return undefined;
}

/** The user's words in one message of a request: a user turn's, or text typed during a tool run in a system turn. */
export function userTextIn(m: Partial<Message>, index: number): TextLocation | undefined {
  if (m.role === 'user') return inMessage(m, index, false);
  return m.role === 'system' ? inMessage(m, index, true) : undefined;
}

/**
 * Finds the user's latest words: trailing system turns are skipped unless they carry typed text, then
 * the last user turn is read. Undefined when the request ends on an assistant turn or on tool results only.
 */
export function locateUserText(count: number, at: MessageAt): TextLocation | undefined {
  for (let i = count - 1; i >= 0; i--) {
    const m = at(i);
    if (!m || typeof m !== 'object') return undefined;
    if (m.role === 'system') {
      const typed = inMessage(m, i, true);
      if (typed) return typed;
      continue;
    }
    return m.role === 'user' ? inMessage(m, i, false) : undefined;
  }
  return undefined;
}

/** The user's words of a parsed body's messages. */
export function userTextOf(messages: unknown): TextLocation | undefined {
  if (!Array.isArray(messages)) return undefined;
  return locateUserText(messages.length, (i) => messages[i] as Partial<Message>);
}

/** The words themselves. */
export function wordsOf(at: TextLocation): string {
  return at.text.slice(at.start, at.end);
}

/** Replaces the whole string at a location of `message` (changed in place); `text` is the new string. */
export function replaceAt(message: Message, at: TextLocation, text: string): void {
  if (at.block < 0) {
    message.content = text;
    return;
  }
  const block = (message.content as ContentBlock[])[at.block]!;
  if (at.inner === undefined) block.text = text;
  else if (at.inner < 0) block.content = text;
  else ((block.content as ContentBlock[])[at.inner]!).text = text;
}

/** Replaces the user's words (the span `start..end`) with `words`, keeping what surrounds them. */
export function replaceWords(message: Message, at: TextLocation, words: string): void {
  replaceAt(message, at, at.text.slice(0, at.start) + words + at.text.slice(at.end));
}
