/**
 * Runs the thinking conversion on a request body without parsing it: messages whose bytes hold no thinking
 * block are skipped; the others are walked for their blocks (thinking-bytes.ts) the first time their exact
 * bytes are seen, blocks are judged by their signature (verdicts are cached, so known Anthropic signatures
 * cost a lookup), and each foreign block is replaced in the bytes, all edits in one copy of the body.
 */
import { BytesMemo } from '../body/bytes-memo.js';
import type { RequestBody } from '../body/request-body.js';
import { convertMessages, foreignBlocks } from './convert.js';
import { conversionEdits, findThinking, type ByteEdit, type MessageThinking } from './thinking-bytes.js';
import type { ThinkingStore } from './thinking-store.js';

const THINKING = Buffer.from('"thinking"');

/**
 * The thinking blocks of messages seen before, by their exact bytes (spans relative to the message): a
 * session sends its whole history with every request, so each assistant message is walked once, and its
 * blocks keep their verdict keys. Holds copies of at most 4096 messages and 8 MB.
 */
const seenMessages = new BytesMemo<MessageThinking | undefined>(4096, 8 * 1024 * 1024);

/** A message's thinking blocks, with spans relative to its first byte (see findThinking). */
function thinkingOf(message: Buffer): MessageThinking | undefined {
  return seenMessages.get(message, (copy) => findThinking(copy, { start: 0, end: copy.length }));
}

/** Converts foreign thinking blocks of an unparsed body in its bytes; returns the number of blocks converted or removed. */
export async function convertBodyThinking(body: RequestBody, store: ThinkingStore): Promise<number> {
  const picked: Array<{ found: MessageThinking; at: number }> = [];
  for (const span of body.messageSpans()) {
    const bytes = body.bytesOf(span);
    if (!bytes.includes(THINKING)) continue;
    const found = thinkingOf(bytes);
    if (found) picked.push({ found, at: span.start });
  }
  if (picked.length === 0) return 0;
  const foreign = new Set(await foreignBlocks(picked.flatMap((p) => [...p.found.blocks.keys()]), store));
  if (foreign.size === 0) return 0;
  const edits: ByteEdit[] = [];
  for (const { found, at } of picked) {
    if ([...found.blocks.keys()].some((b) => foreign.has(b))) edits.push(...conversionEdits(found, foreign, at));
  }
  body.spliceRanges(edits);
  return foreign.size;
}

/**
 * Converts foreign thinking blocks of a body, parsed or not: in the bytes when the body still has them
 * (convertBodyThinking), else on its messages through the body's edit API (convertMessages on copies of the
 * messages that may hold thinking). Returns the number of blocks converted or removed.
 */
export async function convertThinking(body: RequestBody, store: ThinkingStore): Promise<number> {
  if (body.span('messages')) return convertBodyThinking(body, store);
  const picked = body.messagesMatching(() => true).flatMap((index) => {
    const m = body.message(index);
    return m?.role === 'assistant' && Array.isArray(m.content) && m.content.some((b) => b?.type === 'thinking') ? [{ index, message: structuredClone(m) }] : [];
  });
  if (picked.length === 0) return 0;
  const { count, changed } = await convertMessages(picked.map((p) => p.message), store);
  body.replaceMessages(new Map(picked.filter((p) => changed.has(p.message)).map((p) => [p.index, p.message])));
  return count;
}
