/**
 * Runs the thinking conversion on a request body without parsing it: messages whose bytes hold no thinking
 * block are skipped; the others are walked once for their blocks (thinking-bytes.ts), blocks are judged by
 * their signature (verdicts are cached, so known Anthropic signatures cost a lookup), and each foreign block
 * is replaced in the bytes, all edits in one copy of the body.
 */
import type { RequestBody } from '../body/request-body.js';
import { foreignBlocks } from './convert.js';
import { conversionEdits, findThinking, type ByteEdit, type MessageThinking } from './thinking-bytes.js';
import type { ThinkingStore } from './thinking-store.js';

const THINKING = Buffer.from('"thinking"');

/** Converts foreign thinking blocks of an unparsed body in its bytes; returns the number of blocks converted or removed. */
export async function convertBodyThinking(body: RequestBody, store: ThinkingStore): Promise<number> {
  const picked: MessageThinking[] = [];
  const all = body.outgoing(); // unparsed: the current bytes, which the message spans index
  for (const span of body.messageSpans()) {
    if (!body.bytesOf(span).includes(THINKING)) continue;
    const found = findThinking(all, span);
    if (found) picked.push(found);
  }
  if (picked.length === 0) return 0;
  const foreign = new Set(await foreignBlocks(picked.flatMap((p) => [...p.blocks.keys()]), store));
  if (foreign.size === 0) return 0;
  const edits: ByteEdit[] = [];
  for (const found of picked) {
    if ([...found.blocks.keys()].some((b) => foreign.has(b))) edits.push(...conversionEdits(found, foreign));
  }
  body.spliceRanges(edits);
  return foreign.size;
}
