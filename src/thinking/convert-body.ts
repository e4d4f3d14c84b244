/**
 * Runs the thinking conversion on a request body without parsing it: messages whose bytes hold no thinking
 * block are skipped; the others are walked for their blocks (thinking-bytes.ts) the first time their exact
 * bytes are seen, blocks are judged by their signature (verdicts are cached, so known Anthropic signatures
 * cost a lookup), and each foreign block is replaced in the bytes, all edits in one copy of the body.
 */
import type { MessageFacts } from '../body/message-facts.js';
import type { RequestBody } from '../body/request-body.js';
import { convertMessages, foreignBlocks } from './convert.js';
import { conversionEdits, findThinking, type ByteEdit, type MessageThinking } from './thinking-bytes.js';
import type { ThinkingStore } from './thinking-store.js';

const THINKING = Buffer.from('"thinking"');

/** The message facts (message-facts.ts) kind: the message's thinking blocks, spans relative to its first byte. */
const THINKING_BLOCKS = Symbol('thinking blocks');

/** A message's thinking blocks, found once per distinct message bytes (their verdict keys are kept with them). */
function thinkingOf(facts: MessageFacts): MessageThinking | undefined {
  if (!facts.holds(THINKING)) return undefined;
  return facts.derive(THINKING_BLOCKS, (bytes) => findThinking(bytes, { start: 0, end: bytes.length }));
}

/** Converts foreign thinking blocks of an unparsed body in its bytes; returns the number of blocks converted or removed. */
export async function convertBodyThinking(body: RequestBody, store: ThinkingStore): Promise<number> {
  const picked: Array<{ found: MessageThinking; at: number }> = [];
  body.messageSpans().forEach((span, i) => {
    const found = thinkingOf(body.messageFacts(i)!);
    if (found) picked.push({ found, at: span.start });
  });
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
