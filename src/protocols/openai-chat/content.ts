/**
 * Anthropic content blocks → Chat Completions content parts (user turns and tool results).
 * Content parts: https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 * (text, image_url with a URL or a base64 data URL, file with file_data for PDFs).
 */
import type { ContentBlock } from '../../pipeline/messages.js';
import type { Notes } from '../notes.js';

/** A Chat Completions content part of a user message. */
export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { filename: string; file_data: string } };

type Source = { type?: unknown; media_type?: unknown; data?: unknown; url?: unknown; text?: unknown };

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function imagePart(block: ContentBlock, notes: Notes): ChatPart | undefined {
  const src = (block.source ?? {}) as Source;
  if (src.type === 'base64' && str(src.media_type) && str(src.data)) return { type: 'image_url', image_url: { url: `data:${String(src.media_type)};base64,${String(src.data)}` } };
  if (src.type === 'url' && str(src.url)) return { type: 'image_url', image_url: { url: String(src.url) } };
  notes.add(`dropped: an image with a ${String(src.type ?? 'missing')} source (only base64 and URL images are sent)`);
  return undefined;
}

function documentPart(block: ContentBlock, notes: Notes): ChatPart | undefined {
  const src = (block.source ?? {}) as Source;
  const title = str(block.title);
  if (src.type === 'base64' && src.media_type === 'application/pdf' && str(src.data)) {
    return { type: 'file', file: { filename: title ?? 'document.pdf', file_data: `data:application/pdf;base64,${String(src.data)}` } };
  }
  if (src.type === 'text' && str(src.data)) return { type: 'text', text: title ? `${title}\n\n${String(src.data)}` : String(src.data) };
  notes.add(`dropped: a document with a ${String(src.type ?? 'missing')} source (only PDF data and plain text are sent)`);
  return undefined;
}

/** One user-side block as a content part; undefined (with a note) when Chat Completions has no such part. */
export function userPart(block: ContentBlock, notes: Notes): ChatPart | undefined {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? { type: 'text', text: block.text } : undefined;
    case 'image':
      return imagePart(block, notes);
    case 'document':
      return documentPart(block, notes);
    default:
      notes.add(`dropped: ${String(block.type)} block in a user turn`);
      return undefined;
  }
}

/** Parts as a message's content: a plain string when they are all text (what every compatible server reads). */
export function asContent(parts: ChatPart[]): string | ChatPart[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('\n\n');
  return parts;
}

/** Text of an Anthropic content value (a string, or the text blocks of an array). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { type: 'text'; text: string } => !!b && (b as ContentBlock).type === 'text' && typeof (b as ContentBlock).text === 'string')
    .map((b) => b.text)
    .join('\n\n');
}
