/**
 * Thinking blocks found and rewritten in a message's bytes: the message and its blocks are scanned (no
 * objects built), each block's text is decoded only when its hash or trimmed form is needed, and the
 * replacement text block is written around the original text bytes when they need no re-encoding. For a
 * message written by JSON.stringify the result is byte for byte what parsing, converting and
 * re-serialising the message gives; other formatting outside the replaced blocks is kept as sent.
 */
import { hash } from 'node:crypto';
import { JsonScanError, skipString, skipValue, skipWs, type ValueSpan } from '../body/json-scan.js';
import type { ThinkingBlockRef } from './convert.js';
import type { ThinkingStore } from './thinking-store.js';
import { THOUGHT_PREFIX } from './convert.js';

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const THINKING = Buffer.from('"thinking"');
const ASSISTANT = Buffer.from('"assistant"');
const TEXT_OPEN = Buffer.from(`{"type":"text","text":${JSON.stringify(THOUGHT_PREFIX).slice(0, -1)}`);
const TEXT_CLOSE = Buffer.from('"}');
const EMPTIED = Buffer.from(`[${JSON.stringify({ type: 'text', text: `${THOUGHT_PREFIX}(empty)` })}]`);

/** A thinking block of a message, with byte offsets into the message's bytes. */
export class ThinkingBytes implements ThinkingBlockRef {
  private decoded: string | undefined;
  private trimmedText: string | undefined;
  private decodedSignature: string | undefined;
  /** The signature's bytes between its quotes when it has no escapes and is not empty. */
  readonly signatureBytes: Buffer | undefined;

  constructor(
    /** Span of the block object in the body. */
    readonly span: ValueSpan,
    /** The JSON string holding the signature, quotes included; undefined when `signature` is not a string. */
    private readonly rawSignature: Buffer | undefined,
    /** The JSON string holding the text, quotes included; undefined when `thinking` is not a string. */
    private readonly raw: Buffer | undefined,
  ) {
    const inner = rawSignature?.subarray(1, rawSignature.length - 1);
    this.signatureBytes = inner && inner.length > 0 && !inner.includes(BACKSLASH) ? inner : undefined;
  }

  private key: string | undefined;

  /** The verdict cache's key, computed once (a remembered message's blocks are judged in every request). */
  verdictKey(store: ThinkingStore): string | undefined {
    const sig = this.signatureBytes ?? this.signature;
    if (!sig) return undefined;
    this.key ??= store.verdicts.key(sig);
    return this.key;
  }

  /** The signature, decoded when first asked for (the verdict cache reads its bytes). */
  get signature(): string | undefined {
    if (this.rawSignature === undefined) return undefined;
    this.decodedSignature ??= this.signatureBytes ? this.signatureBytes.toString('utf8') : (JSON.parse(this.rawSignature.toString('utf8')) as string);
    return this.decodedSignature;
  }

  /** The text's bytes as they are when its JSON string has no escapes (UTF-8 already): the usual case. */
  private plain(): Buffer | undefined {
    const raw = this.raw;
    return raw && !raw.includes(BACKSLASH) ? raw.subarray(1, raw.length - 1) : undefined;
  }

  /** The decoded text ('' when `thinking` is not a string). */
  text(): string {
    this.decoded ??= this.raw ? (JSON.parse(this.raw.toString('utf8')) as string) : '';
    return this.decoded;
  }

  private trimmed(): string {
    this.trimmedText ??= this.text().trim();
    return this.trimmedText;
  }

  /** Plain text bytes that trimming cannot change: they start and end with a byte that is no whitespace. */
  private plainTrimmed(): Buffer | undefined {
    const p = this.plain();
    if (!p) return undefined;
    // In a JSON string every ASCII whitespace but the space is escaped; any other is a multi-byte character.
    const edge = (b: number | undefined): boolean => b === undefined || b === 0x20 || b >= 0x80;
    return p.length > 0 && !edge(p[0]) && !edge(p[p.length - 1]) ? p : undefined;
  }

  hashOfText(): string {
    const p = this.plain();
    return hash('sha256', p ?? this.text(), 'hex');
  }

  hashOfTrimmedIfDifferent(): string | undefined {
    if (this.plainTrimmed()) return undefined;
    const t = this.trimmed();
    return t !== this.text() ? hash('sha256', t, 'hex') : undefined;
  }

  hashOfTrimmed(): string {
    return hash('sha256', this.plainTrimmed() ?? this.trimmed(), 'hex');
  }

  /**
   * The text's JSON string content, escapes kept, when trimming cannot change the text: its first and last
   * characters are printable ASCII written as themselves (no escape ends within the last six bytes).
   */
  private untrimmable(): Buffer | undefined {
    const raw = this.raw;
    if (!raw || raw.length < 3) return undefined;
    const literal = (b: number): boolean => b > 0x20 && b < 0x80 && b !== BACKSLASH;
    if (!literal(raw[1]!) || !literal(raw[raw.length - 2]!)) return undefined;
    if (raw.subarray(Math.max(1, raw.length - 7), raw.length - 1).includes(BACKSLASH)) return undefined;
    return raw.subarray(1, raw.length - 1);
  }

  /**
   * The text block replacing this one, as byte pieces; undefined when the trimmed text is empty (the block
   * goes). A text trimming cannot change keeps its bytes (what JSON.stringify writes, for a body it wrote).
   */
  replacement(): Buffer[] | undefined {
    const p = this.plainTrimmed() ?? this.untrimmable();
    if (p) return [TEXT_OPEN, p, TEXT_CLOSE];
    const t = this.trimmed();
    return t ? [Buffer.from(JSON.stringify({ type: 'text', text: THOUGHT_PREFIX + t }))] : undefined;
  }
}

/** An assistant message's content array and the thinking blocks in it (spans are offsets into the body). */
export interface MessageThinking {
  content: ValueSpan;
  elements: ValueSpan[];
  /** Index in `elements` of each block. */
  blocks: Map<ThinkingBytes, number>;
}

const key = (name: string): Buffer => Buffer.from(name);
const ROLE = key('role');
const CONTENT = key('content');
const TYPE = key('type');
const THINKING_KEY = key('thinking');
const SIGNATURE = key('signature');

/** Whether the bytes at `at` are `want`. */
function bytesAre(b: Buffer, at: number, end: number, want: Buffer): boolean {
  if (end - at !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (b[at + i] !== want[i]) return false;
  return true;
}

/** Whether the JSON string at open..end (quotes included) holds an escape; long strings are searched natively. */
function escaped(b: Buffer, open: number, end: number): boolean {
  if (end - open > 32) return b.subarray(open + 1, end - 1).includes(BACKSLASH);
  for (let i = open + 1; i < end - 1; i++) if (b[i] === BACKSLASH) return true;
  return false;
}

/** Whether the key string at open..end (quotes included) is `name`, decoded as JSON.parse would. */
function keyIs(b: Buffer, open: number, end: number, name: Buffer): boolean {
  if (bytesAre(b, open + 1, end - 1, name)) return true;
  return escaped(b, open, end) && JSON.parse(b.toString('utf8', open, end)) === name.toString();
}

/** Whether a small JSON value of the bytes is the string `want` (quotes included), read as JSON.parse would. */
function isString(b: Buffer, span: ValueSpan | undefined, want: Buffer): boolean {
  if (!span || b[span.start] !== QUOTE) return false;
  if (bytesAre(b, span.start, span.end, want)) return true;
  return escaped(b, span.start, span.end) && JSON.parse(b.toString('utf8', span.start, span.end)) === JSON.parse(want.toString());
}

/**
 * Walks the members of the object opening at `open` (bytes already checked by the body's scan): `member`
 * gets each key's span (quotes included) and where its value starts, and returns where the value ends.
 * Returns the index past the object.
 */
function members(b: Buffer, open: number, member: (keyOpen: number, keyEnd: number, value: number) => number): number {
  let i = skipWs(b, open + 1);
  if (b[i] === 0x7d) return i + 1;
  for (;;) {
    if (b[i] !== QUOTE) throw new JsonScanError('expected a key', i);
    const keyEnd = skipString(b, i);
    const colon = skipWs(b, keyEnd);
    if (b[colon] !== 0x3a) throw new JsonScanError("expected ':'", colon);
    i = skipWs(b, member(i, keyEnd, skipWs(b, colon + 1)));
    if (b[i] === 0x2c) i = skipWs(b, i + 1);
    else if (b[i] === 0x7d) return i + 1;
    else throw new JsonScanError("expected ',' or '}'", i);
  }
}

/** Walks one content block; a thinking block is added to `blocks`. Returns the index past it. */
function walkBlock(b: Buffer, open: number, index: number, blocks: Map<ThinkingBytes, number>): number {
  let type: ValueSpan | undefined;
  let thinking: ValueSpan | undefined;
  let signature: ValueSpan | undefined;
  const end = members(b, open, (k, ke, v) => {
    const e = skipValue(b, v);
    // A repeated key counts once, the last one, as in JSON.parse.
    if (keyIs(b, k, ke, TYPE)) type = { start: v, end: e };
    else if (keyIs(b, k, ke, THINKING_KEY)) thinking = { start: v, end: e };
    else if (keyIs(b, k, ke, SIGNATURE)) signature = { start: v, end: e };
    return e;
  });
  if (isString(b, type, THINKING)) {
    const raw = thinking && b[thinking.start] === QUOTE ? b.subarray(thinking.start, thinking.end) : undefined;
    const sig = signature && b[signature.start] === QUOTE ? b.subarray(signature.start, signature.end) : undefined;
    blocks.set(new ThinkingBytes({ start: open, end }, sig, raw), index);
  }
  return end;
}

/** Walks a content array, finding its elements and thinking blocks. */
function walkContent(b: Buffer, open: number): MessageThinking {
  const elements: ValueSpan[] = [];
  const blocks = new Map<ThinkingBytes, number>();
  let i = skipWs(b, open + 1);
  if (b[i] === 0x5d) return { content: { start: open, end: i + 1 }, elements, blocks };
  for (;;) {
    const start = i;
    const end = b[i] === 0x7b ? walkBlock(b, i, elements.length, blocks) : skipValue(b, i);
    elements.push({ start, end });
    i = skipWs(b, end);
    if (b[i] === 0x2c) i = skipWs(b, i + 1);
    else if (b[i] === 0x5d) return { content: { start: open, end: i + 1 }, elements, blocks };
    else throw new JsonScanError("expected ',' or ']'", i);
  }
}

/**
 * The thinking blocks of the message at `span` of the body, in one walk over its bytes; undefined when it is
 * no assistant message with a content array holding one.
 */
export function findThinking(b: Buffer, span: ValueSpan): MessageThinking | undefined {
  if (b[span.start] !== 0x7b) return undefined;
  let role: ValueSpan | undefined;
  let content: MessageThinking | undefined;
  members(b, span.start, (k, ke, v) => {
    if (keyIs(b, k, ke, CONTENT)) {
      content = b[v] === 0x5b ? walkContent(b, v) : undefined;
      return content ? content.content.end : skipValue(b, v);
    }
    const e = skipValue(b, v);
    if (keyIs(b, k, ke, ROLE)) role = { start: v, end: e };
    return e;
  });
  const found = content as MessageThinking | undefined;
  return found && found.blocks.size > 0 && isString(b, role, ASSISTANT) ? found : undefined;
}

/** One replaced range of the body's bytes. */
export interface ByteEdit {
  start: number;
  end: number;
  bytes: Buffer[];
}

/**
 * The edits turning the message's `foreign` blocks into text blocks (or removing empty ones, with one
 * separating comma each), as sorted, non-overlapping ranges of the body's bytes (`offset` is added to the
 * found spans: where the bytes they index start in the body). A message left without
 * blocks gets one text block saying so.
 */
export function conversionEdits(found: MessageThinking, foreign: ReadonlySet<ThinkingBytes>, offset = 0): ByteEdit[] {
  const { elements } = found;
  const replaced = new Map<number, Buffer[] | undefined>();
  for (const [block, index] of found.blocks) if (foreign.has(block)) replaced.set(index, block.replacement());
  const edit = (start: number, end: number, bytes: Buffer[]): ByteEdit => ({ start: start + offset, end: end + offset, bytes });
  if (elements.every((_, i) => replaced.has(i) && replaced.get(i) === undefined)) {
    return [edit(found.content.start, found.content.end, [EMPTIED])];
  }
  const edits: ByteEdit[] = [];
  let keptBefore = false;
  elements.forEach((el, i) => {
    if (!replaced.has(i)) {
      keptBefore = true;
      return;
    }
    const bytes = replaced.get(i);
    if (bytes) {
      edits.push(edit(el.start, el.end, bytes));
      keptBefore = true;
    } else if (keptBefore) {
      edits.push(edit(elements[i - 1]!.end, el.end, [])); // the comma before it, and the block
    } else {
      edits.push(edit(el.start, elements[i + 1]!.start, [])); // the block, and the comma after it
    }
  });
  return edits;
}
