/** Reading the parts of a Messages API body that routing cares about. */

/** A content block as far as the gateway needs to know. */
export interface ContentBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  [key: string]: unknown;
}

/** A message of the `messages` array. */
export interface Message {
  role: string;
  content: string | ContentBlock[];
  [key: string]: unknown;
}

/** The request body of POST /v1/messages (only the fields the gateway reads are typed). */
export interface MessagesBody {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  thinking?: unknown;
  metadata?: unknown;
  [key: string]: unknown;
}

/** Where the last user text sits: message index, block index (-1 for string content) and the text. */
export interface TextLocation {
  message: number;
  block: number;
  text: string;
}

/**
 * The last user text: the last text block of the last message, or its string content. Claude Code puts
 * system reminders before the typed text, so the last text block is what the user typed.
 */
export function findLastUserText(body: MessagesBody): TextLocation | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  return lastUserTextOf(messages[messages.length - 1] as Partial<Message> | null, messages.length - 1);
}

/** The last user text of one message (the last message, found at `index`). */
export function lastUserTextOf(last: Partial<Message> | null | undefined, index: number): TextLocation | undefined {
  if (!last || typeof last !== 'object') return undefined;
  if (typeof last.content === 'string') return { message: index, block: -1, text: last.content };
  if (!Array.isArray(last.content)) return undefined;
  for (let b = last.content.length - 1; b >= 0; b--) {
    const block = last.content[b];
    if (block && typeof block === 'object' && block.type === 'text' && typeof block.text === 'string') {
      return { message: index, block: b, text: block.text };
    }
  }
  return undefined;
}

/** Replaces the text at a location (the location must come from findLastUserText on the same body). */
export function replaceText(body: MessagesBody, at: TextLocation, text: string): void {
  const msg = (body.messages as Message[])[at.message]!;
  if (at.block < 0) msg.content = text;
  else (msg.content as ContentBlock[])[at.block]!.text = text;
}


