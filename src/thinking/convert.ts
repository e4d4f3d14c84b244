/**
 * Turns foreign thinking blocks (MiniMax and other non-Anthropic upstreams) in the history into text
 * blocks, so Anthropic does not reject their signatures. Anthropic-signed blocks are left untouched.
 */
import type { ContentBlock, Message, MessagesBody } from '../pipeline/messages.js';
import { sha256Hex, type ThinkingStore } from './thinking-store.js';

/** Prefix of the text block that replaces a foreign thinking block. */
export const THOUGHT_PREFIX = 'previous assistant thought process: ';

const HEX64 = /^[0-9a-f]{64}$/;

/** A thinking block found in an assistant message. */
interface Candidate extends ThinkingBlockRef {
  message: Message;
  index: number;
  block: ContentBlock;
}

/**
 * A thinking block to judge, however it was found (a parsed object or a span of bytes): its signature,
 * and digests of its text computed on demand.
 */
export interface ThinkingBlockRef {
  readonly signature: string | undefined;
  /** The verdict cache's key of the signature, kept by a block that is judged again and again. */
  verdictKey?(store: ThinkingStore): string | undefined;
  /** Hex SHA-256 of the thinking text as it is (the empty string when it is not a string). */
  hashOfText(): string;
  /** Hex SHA-256 of the trimmed text, or undefined when trimming changes nothing. */
  hashOfTrimmedIfDifferent(): string | undefined;
  /** Hex SHA-256 of the trimmed text. */
  hashOfTrimmed(): string;
}

/** A MiniMax signature is the hex SHA-256 of the thinking text, raw or trimmed. */
export function isSelfHashSignature(thinking: string, signature: string | undefined): boolean {
  return isSelfHashed(textRef(thinking, signature));
}

function isSelfHashed(ref: ThinkingBlockRef): boolean {
  const signature = ref.signature;
  if (!signature || !HEX64.test(signature)) return false;
  if (ref.hashOfText() === signature) return true;
  return ref.hashOfTrimmedIfDifferent() === signature;
}

/** A block reference over a decoded text. */
function textRef(thinking: string, signature: string | undefined): ThinkingBlockRef {
  const trimmed = (): string => thinking.trim();
  return {
    signature,
    hashOfText: () => sha256Hex(thinking),
    hashOfTrimmedIfDifferent: () => (trimmed() !== thinking ? sha256Hex(trimmed()) : undefined),
    hashOfTrimmed: () => sha256Hex(trimmed()),
  };
}

/** A block's verdict key; undefined without a signature (such blocks are never cached). */
function verdictKeyOf(block: ThinkingBlockRef, store: ThinkingStore): string | undefined {
  if (block.verdictKey) return block.verdictKey(store);
  return block.signature ? store.verdicts.key(block.signature) : undefined;
}

/**
 * The foreign blocks among `blocks`: signed with their own text's hash, or recorded in the store from a
 * non-Anthropic answer. Verdicts are cached by signature; a failed store leaves its blocks as they are.
 */
export async function foreignBlocks<T extends ThinkingBlockRef>(blocks: readonly T[], store: ThinkingStore): Promise<T[]> {
  const foreign: T[] = [];
  const unknown: T[] = [];
  const keys = new Map<T, string | undefined>();
  for (const block of blocks) {
    const key = verdictKeyOf(block, store);
    keys.set(block, key);
    const cached = key !== undefined ? store.verdicts.getByKey(key) : undefined;
    if (cached !== undefined) {
      if (cached) foreign.push(block);
    } else if (isSelfHashed(block)) {
      store.verdicts.setByKey(key!, true);
      foreign.push(block);
    } else {
      unknown.push(block);
    }
  }
  const seen = await store.recorded(unknown.map((c) => c.hashOfTrimmed()));
  unknown.forEach((c, i) => {
    if (!seen) return;
    const key = keys.get(c);
    if (key !== undefined) store.verdicts.setByKey(key, seen[i]!);
    if (seen[i]) foreign.push(c);
  });
  return foreign;
}

/** Converts foreign thinking blocks in place; returns how many blocks were converted or removed. */
export async function convertForeignThinking(body: MessagesBody, store: ThinkingStore): Promise<number> {
  return Array.isArray(body.messages) ? (await convertMessages(body.messages as Message[], store)).count : 0;
}

/** What a conversion did: blocks converted or removed, and the messages it changed. */
export interface Conversion {
  count: number;
  changed: Set<Message>;
}

/** Converts foreign thinking blocks of the given messages in place. */
export async function convertMessages(messages: readonly Message[], store: ThinkingStore): Promise<Conversion> {
  const found: Candidate[] = [];
  for (const message of messages) {
    if (!message || message.role !== 'assistant' || !Array.isArray(message.content)) continue;
    message.content.forEach((block, index) => {
      if (!block || block.type !== 'thinking') return;
      const text = typeof block.thinking === 'string' ? block.thinking : '';
      const sig = typeof block.signature === 'string' ? block.signature : undefined;
      found.push({ ...textRef(text, sig), message, index, block });
    });
  }
  const foreign = await foreignBlocks(found, store);
  if (foreign.length === 0) return { count: 0, changed: new Set() };
  replaceBlocks(foreign);
  return { count: foreign.length, changed: new Set(foreign.map((c) => c.message)) };
}

/** Replaces each candidate by a text block at the same position, or removes it when its text is empty. */
function replaceBlocks(found: Candidate[]): void {
  const byMessage = new Map<Message, Map<number, ContentBlock | null>>();
  for (const c of found) {
    const text = typeof c.block.thinking === 'string' ? c.block.thinking.trim() : '';
    const replacement = text ? { type: 'text', text: THOUGHT_PREFIX + text } : null;
    let m = byMessage.get(c.message);
    if (!m) byMessage.set(c.message, (m = new Map()));
    m.set(c.index, replacement);
  }
  for (const [message, replacements] of byMessage) {
    const blocks = message.content as ContentBlock[];
    const out: ContentBlock[] = [];
    blocks.forEach((b, i) => {
      const r = replacements.get(i);
      if (r === undefined) out.push(b);
      else if (r !== null) out.push(r);
    });
    // An assistant message must keep at least one block; an emptied one says so instead of vanishing.
    message.content = out.length > 0 ? out : [{ type: 'text', text: `${THOUGHT_PREFIX}(empty)` }];
  }
}

/** What keepThinkingValidIn reads and edits: a RequestBody, or a plain body through objectView. */
export interface ThinkingBodyView {
  field(key: string): unknown;
  messageCount(): number;
  message(i: number): Message | undefined;
  deleteField(key: string): void;
  setField(key: string, value: unknown): void;
}

/** A plain body object as a ThinkingBodyView (edits change the object). */
export function objectView(body: MessagesBody): ThinkingBodyView {
  const messages = (): Message[] => (Array.isArray(body.messages) ? (body.messages as Message[]) : []);
  return {
    field: (key) => body[key],
    messageCount: () => messages().length,
    message: (i) => messages()[i],
    deleteField: (key) => void delete body[key],
    setField: (key, value) => void (body[key] = value),
  };
}

/**
 * With manual thinking (`thinking.type: enabled`), Anthropic requires the final assistant message of a tool
 * loop to start with a thinking block. When conversion took that block away, drop thinking (and the
 * clear_thinking context edit that needs it) for this request. Returns true when it changed the body.
 * Reads only the messages from the end back to the final assistant one.
 */
export function keepThinkingValidIn(body: ThinkingBodyView): boolean {
  const thinking = body.field('thinking') as { type?: unknown } | undefined;
  const count = body.messageCount();
  if (!thinking || thinking.type !== 'enabled' || count === 0) return false;
  const last = body.message(count - 1);
  const inToolLoop = last?.role === 'user' && Array.isArray(last.content) && last.content.some((b) => b?.type === 'tool_result');
  if (!inToolLoop) return false;
  let finalAssistant: Message | undefined;
  for (let i = count - 1; i >= 0 && !finalAssistant; i--) if (body.message(i)?.role === 'assistant') finalAssistant = body.message(i);
  const first = Array.isArray(finalAssistant?.content) ? finalAssistant.content[0] : undefined;
  if (first && (first.type === 'thinking' || first.type === 'redacted_thinking')) return false;
  body.deleteField('thinking');
  const cm = body.field('context_management') as { edits?: Array<{ type?: unknown }> } | undefined;
  if (cm && Array.isArray(cm.edits)) {
    const edits = cm.edits.filter((e) => typeof e?.type !== 'string' || !e.type.startsWith('clear_thinking'));
    if (edits.length === 0) body.deleteField('context_management');
    else body.setField('context_management', { ...cm, edits });
  }
  return true;
}

/** keepThinkingValidIn on a plain body object. */
export function keepThinkingValid(body: MessagesBody): boolean {
  return keepThinkingValidIn(objectView(body));
}
