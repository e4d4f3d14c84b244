/**
 * Runs the thinking conversion on a request body with as little parsing as possible: only the messages
 * whose bytes hold a thinking block are parsed, messages whose every thinking block carries a signature
 * already known to be Anthropic's are skipped without parsing, and converted messages are spliced back
 * into the bytes.
 */
import type { RequestBody } from '../body/request-body.js';
import type { Message } from '../pipeline/messages.js';
import { convertMessages } from './convert.js';
import type { ThinkingStore } from './thinking-store.js';

const THINKING = '"thinking"';
const TYPE_THINKING = [Buffer.from('"type":"thinking"'), Buffer.from('"type": "thinking"')];
const SIGNATURE = [Buffer.from('"signature":"'), Buffer.from('"signature": "')];

function count(bytes: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Signature strings in a message's bytes (signatures are base64 or hex: no escapes to undo). */
function signatures(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const needle of SIGNATURE) {
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) {
      const start = i + needle.length;
      const end = bytes.indexOf(0x22, start);
      if (end < 0) break;
      out.push(bytes.toString('latin1', start, end));
    }
  }
  return out;
}

/** True when every thinking block of the message is signed with a signature known to be Anthropic's. */
function knownAnthropic(bytes: Buffer, store: ThinkingStore): boolean {
  const blocks = TYPE_THINKING.reduce((n, t) => n + count(bytes, t), 0);
  const sigs = signatures(bytes);
  return blocks === sigs.length && sigs.every((s) => store.verdicts.get(s) === false);
}

/** Converts foreign thinking blocks of an unparsed body; returns the number of blocks converted or removed. */
export async function convertBodyThinking(body: RequestBody, store: ThinkingStore): Promise<number> {
  const spans = body.messageSpans();
  const picked: Array<{ index: number; message: Message }> = [];
  spans.forEach((span, index) => {
    const bytes = body.bytesOf(span);
    if (!bytes.includes(THINKING) || knownAnthropic(bytes, store)) return;
    picked.push({ index, message: JSON.parse(bytes.toString('utf8')) as Message });
  });
  if (picked.length === 0) return 0;
  const { count: converted, changed } = await convertMessages(picked.map((p) => p.message), store);
  body.replaceElements(new Map(picked.filter((p) => changed.has(p.message)).map((p) => [p.index, p.message])));
  return converted;
}
