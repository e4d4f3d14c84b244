/**
 * A request body that is parsed only as far as needed. Routing reads the model, the stream flag, the
 * metadata and the last message from a byte scan; the full object is built only when a transform asks
 * for it. Unchanged bodies are forwarded as the client's exact bytes; a changed model is spliced into
 * the bytes without a full parse.
 */
import type { Message, MessagesBody } from '../pipeline/messages.js';
import { replaceAt, type TextLocation } from '../pipeline/user-text.js';
import { memberBounds, rebuildFields, REMOVE_FIELD } from './field-splice.js';
import { scanTopLevel, type TopLevelIndex, type ValueSpan } from './json-scan.js';
import { factsOf, type MessageFacts } from './message-facts.js';

export { REMOVE_FIELD };

/** Created per request; never shared. */
export class RequestBody {
  private bytes: Buffer;
  private index: TopLevelIndex | undefined;
  private parsed: MessagesBody | undefined;
  /** The parsed object changed since the bytes were last produced. */
  private dirty = false;
  /** The bytes differ from the client's (a splice, or a re-serialised object). */
  private changedBytes = false;
  private readonly small = new Map<string, unknown>();
  /** Messages parsed alone, by index. */
  private readonly single = new Map<number, Message | undefined>();
  /** Facts of the messages, by index, valid for the bytes in `factsBytes`. */
  private facts: MessageFacts[] = [];
  private factsBytes: Buffer | undefined;

  /** `index` is the scan already made while validating the body. */
  constructor(raw: Buffer, index?: TopLevelIndex) {
    this.bytes = raw;
    this.index = index;
  }

  private top(): TopLevelIndex {
    this.index ??= scanTopLevel(this.bytes, 'messages');
    return this.index;
  }

  private parseSpan(span: ValueSpan | undefined): unknown {
    return span ? JSON.parse(this.bytes.toString('utf8', span.start, span.end)) : undefined;
  }

  /** A top-level field, read without parsing the rest of the body. */
  field(key: string): unknown {
    if (this.parsed) return this.parsed[key];
    if (!this.small.has(key)) this.small.set(key, this.parseSpan(this.top().keys.get(key)));
    return this.small.get(key);
  }

  /** Byte span of a top-level value, from the scan; undefined when absent or once the body is parsed (its bytes may be stale). */
  span(key: string): ValueSpan | undefined {
    return this.parsed ? undefined : this.top().keys.get(key);
  }

  /** Byte spans of the messages, from the scan (empty when messages is not an array). */
  messageSpans(): ValueSpan[] {
    return this.top().elements ?? [];
  }

  /**
   * Indexes, in order, of the messages whose bytes contain one of the needles. What each message holds is
   * remembered with its bytes (message-facts.ts), so the history a client sends again is not searched again.
   */
  messagesHolding(needles: readonly Buffer[]): number[] {
    if (needles.length === 0) return [];
    const out: number[] = [];
    const count = this.messageSpans().length;
    for (let i = 0; i < count; i++) {
      const facts = this.messageFacts(i)!;
      if (needles.some((n) => facts.holds(n))) out.push(i);
    }
    return out;
  }

  /** What message `i`'s bytes hold (message-facts.ts), looked up once per request while the bytes stay; undefined once parsed. */
  messageFacts(i: number): MessageFacts | undefined {
    const span = this.parsed ? undefined : this.messageSpans()[i];
    if (!span) return undefined;
    if (this.factsBytes !== this.bytes) {
      this.facts = [];
      this.factsBytes = this.bytes;
    }
    return (this.facts[i] ??= factsOf(this.bytesOf(span)));
  }

  /** The bytes of a span of the current body. */
  bytesOf(span: ValueSpan): Buffer {
    return this.bytes.subarray(span.start, span.end);
  }

  /** Replaces messages of an unparsed body (index → new message), splicing their bytes in one copy. */
  replaceElements(replacements: ReadonlyMap<number, unknown>): void {
    this.replaceElementRuns([...replacements].map(([i, value]) => ({ first: i, last: i, value })));
  }

  /**
   * Replaces runs of consecutive messages of an unparsed body, each by one new message (a run of one replaces
   * a message; a longer run merges several into one), splicing the bytes in one copy. Runs must not overlap.
   */
  replaceElementRuns(runs: ReadonlyArray<ElementRun>): void {
    const top = this.top();
    if (this.parsed) throw new Error('replaceElementRuns needs an unparsed body');
    const elements = top.elements ?? [];
    const order = [...runs].sort((a, b) => a.first - b.first);
    order.forEach((r, k) => {
      if (!elements[r.first] || !elements[r.last] || r.last < r.first) throw new Error(`no messages ${r.first}..${r.last}`);
      if (k > 0 && order[k - 1]!.last >= r.first) throw new Error('overlapping message runs');
    });
    const pieces: Buffer[] = [];
    const edits: Edit[] = [];
    let from = 0;
    for (const r of order) {
      const start = elements[r.first]!.start;
      const end = elements[r.last]!.end;
      const encoded = Buffer.from(JSON.stringify(r.value));
      pieces.push(this.bytes.subarray(from, start), encoded);
      from = end;
      edits.push({ start, end, length: encoded.length });
    }
    pieces.push(this.bytes.subarray(from));
    this.bytes = Buffer.concat(pieces);
    // A merged run becomes one element spanning the run, so the shift sees it as one replaced span.
    for (let k = order.length - 1; k >= 0; k--) {
      const r = order[k]!;
      elements.splice(r.first, r.last - r.first + 1, { start: elements[r.first]!.start, end: elements[r.last]!.end });
    }
    shiftAll(top, edits);
    this.small.clear();
    this.single.clear();
    this.changedBytes = true;
  }

  /**
   * Replaces byte ranges of an unparsed body, each lying inside one message (sorted, non-overlapping), by new
   * bytes given as pieces, in one copy; the index is moved to match.
   */
  spliceRanges(ranges: ReadonlyArray<{ start: number; end: number; bytes: readonly Buffer[] }>): void {
    if (this.parsed) throw new Error('spliceRanges needs an unparsed body');
    if (ranges.length === 0) return;
    const top = this.top();
    const pieces: Buffer[] = [];
    let from = 0;
    for (const r of ranges) {
      if (r.start < from || r.end < r.start) throw new Error('unsorted or overlapping ranges');
      pieces.push(this.bytes.subarray(from, r.start), ...r.bytes);
      from = r.end;
    }
    pieces.push(this.bytes.subarray(from));
    this.bytes = Buffer.concat(pieces);
    shiftAll(top, ranges.map((r) => ({ start: r.start, end: r.end, length: r.bytes.reduce((n, b) => n + b.length, 0) })));
    this.small.clear();
    this.single.clear();
    this.changedBytes = true;
  }

  /** Names of the top-level fields. */
  fieldNames(): string[] {
    return this.parsed ? Object.keys(this.parsed) : [...this.top().keys.keys()];
  }

  /** Removes a top-level field: from the object when parsed, else by cutting its member out of the bytes. */
  deleteField(key: string): void {
    if (this.parsed) {
      if (key in this.parsed) {
        delete this.parsed[key];
        this.dirty = true;
      }
      return;
    }
    const top = this.top();
    const span = top.keys.get(key);
    if (!span) return;
    const [start, end] = memberBounds(this.bytes, span);
    this.bytes = Buffer.concat([this.bytes.subarray(0, start), this.bytes.subarray(end)]);
    top.keys.delete(key);
    shiftAll(top, [{ start, end, length: 0 }]);
    this.small.delete(key);
    this.changedBytes = true;
  }

  /**
   * Sets (value) and removes (REMOVE_FIELD) several top-level fields in one copy of the bytes, rebuilding the
   * top level with the untouched members' bytes as they are. The messages array cannot be edited this way.
   */
  applyFieldEdits(edits: ReadonlyMap<string, unknown>): void {
    if (edits.size === 0) return;
    if (this.parsed) {
      for (const [k, v] of edits) {
        if (v === REMOVE_FIELD) delete this.parsed[k];
        else this.parsed[k] = v;
      }
      this.dirty = true;
      return;
    }
    if (edits.has('messages')) throw new Error('applyFieldEdits cannot edit messages');
    const top = this.top();
    if (top.keys.size === 0) {
      for (const [k, v] of edits) if (v !== REMOVE_FIELD) this.setField(k, v);
      return;
    }
    const rebuilt = rebuildFields(this.bytes, top, edits);
    this.bytes = rebuilt.bytes;
    this.index = rebuilt.index;
    for (const k of edits.keys()) this.small.delete(k);
    this.changedBytes = true;
  }

  /** Number of messages (0 when messages is missing or not an array). */
  messageCount(): number {
    if (this.parsed) return Array.isArray(this.parsed.messages) ? this.parsed.messages.length : 0;
    return this.top().elements?.length ?? 0;
  }

  /** The last message, parsed alone. */
  lastMessage(): Message | undefined {
    return this.message(this.messageCount() - 1);
  }

  /** Message `i`, parsed alone (and kept until the bytes change); undefined when there is none. */
  message(i: number): Message | undefined {
    if (this.parsed) return Array.isArray(this.parsed.messages) ? (this.parsed.messages[i] as Message | undefined) : undefined;
    if (!this.single.has(i)) this.single.set(i, this.parseSpan(this.top().elements?.[i]) as Message | undefined);
    return this.single.get(i);
  }

  /**
   * False when the messages surely hold no thinking block: a byte search for the `"thinking"` token
   * inside the messages (inside JSON strings a quote is always escaped, so text cannot fake it).
   */
  mayHoldThinking(): boolean {
    if (this.parsed) return true;
    const span = this.top().keys.get('messages');
    return span !== undefined && this.bytes.subarray(span.start, span.end).includes('"thinking"');
  }

  /** The whole body as an object, parsed once. Changing it requires markChanged(). */
  get json(): MessagesBody {
    this.parsed ??= JSON.parse(this.bytes.toString('utf8')) as MessagesBody;
    return this.parsed;
  }

  /** Whether the object has been built. */
  get isParsed(): boolean {
    return this.parsed !== undefined;
  }

  /** Records that the parsed object was changed. */
  markChanged(): void {
    this.dirty = true;
  }

  /** Sets a top-level field: on the object when parsed, else by splicing the bytes. */
  setField(key: string, value: unknown): void {
    if (this.parsed) {
      this.parsed[key] = value;
      this.dirty = true;
      return;
    }
    const top = this.top();
    const span = top.keys.get(key);
    const encoded = Buffer.from(JSON.stringify(value));
    const close = this.bytes.lastIndexOf(0x7d);
    const member = Buffer.from(`${top.keys.size > 0 ? ',' : ''}${JSON.stringify(key)}:`);
    if (span) {
      this.bytes = Buffer.concat([this.bytes.subarray(0, span.start), encoded, this.bytes.subarray(span.end)]);
      shiftAll(top, [{ start: span.start, end: span.end, length: encoded.length }]);
    } else {
      this.bytes = Buffer.concat([this.bytes.subarray(0, close), member, encoded, this.bytes.subarray(close)]);
      const start = close + member.length;
      top.keys.set(key, { start, end: start + encoded.length });
    }
    this.small.delete(key);
    if (key === 'messages') this.single.clear();
    this.changedBytes = true;
  }

  // The edit API: transforms change the body through these, whether or not it has been parsed; each keeps
  // an unparsed body unparsed (only the messages or fields it touches are parsed and spliced back).

  /**
   * Indexes of the messages worth visiting: those whose bytes pass `test` (a cheap byte search), or every
   * message once the body is parsed (its bytes may be stale then).
   */
  messagesMatching(test: (bytes: Buffer) => boolean): number[] {
    if (this.parsed) return [...Array(this.messageCount()).keys()];
    return this.messageSpans().flatMap((span, i) => (test(this.bytesOf(span)) ? [i] : []));
  }

  /** Indexes of the messages whose bytes contain one of `needles` (every message once parsed). */
  messagesWith(needles: readonly Buffer[]): number[] {
    return this.parsed ? [...Array(this.messageCount()).keys()] : this.messagesHolding(needles);
  }

  /** The bytes of message `i`, for a byte search before parsing; undefined once the body is parsed. */
  messageBytes(i: number): Buffer | undefined {
    const span = this.parsed ? undefined : this.messageSpans()[i];
    return span && this.bytesOf(span);
  }

  /** A copy of message `i` the caller may change (parsed from its bytes when the body is not). */
  messageCopy(i: number): Message | undefined {
    const bytes = this.messageBytes(i);
    if (bytes) return JSON.parse(bytes.toString('utf8')) as Message;
    const m = this.message(i);
    return m && structuredClone(m);
  }

  /** Replaces runs of consecutive messages, each by one message, parsed or not (see replaceElementRuns). */
  replaceMessageRuns(runs: ReadonlyArray<ElementRun>): void {
    if (runs.length === 0) return;
    if (!this.parsed) return this.replaceElementRuns(runs);
    const messages = this.parsed.messages as Message[];
    for (const r of [...runs].sort((a, b) => b.first - a.first)) messages.splice(r.first, r.last - r.first + 1, r.value as Message);
    this.dirty = true;
  }

  /** Replaces messages (index → new message), in the object when parsed, else by splicing their bytes. */
  replaceMessages(changes: ReadonlyMap<number, Message>): void {
    if (changes.size === 0) return;
    if (!this.parsed) return this.replaceElements(changes);
    const messages = this.parsed.messages as Message[];
    for (const [i, m] of changes) messages[i] = m;
    this.dirty = true;
  }

  /**
   * Maps messages to new ones: `edit` gets each message (not to be changed in place) and returns its
   * replacement, or undefined to keep it. Only `indexes` are visited when given. Returns how many changed.
   */
  editMessages(edit: (m: Message, i: number) => Message | undefined, indexes?: readonly number[]): number {
    const changes = new Map<number, Message>();
    for (const i of indexes ?? [...Array(this.messageCount()).keys()]) {
      const m = this.message(i);
      const next = m && edit(m, i);
      if (next) changes.set(i, next);
    }
    this.replaceMessages(changes);
    return changes.size;
  }

  /** Changes a copy of message `i` in place with `change` and puts it back; false when there is no such message. */
  editMessage(i: number, change: (copy: Message) => void): boolean {
    const m = this.message(i);
    if (!m) return false;
    const copy = structuredClone(m);
    change(copy);
    this.replaceMessages(new Map([[i, copy]]));
    return true;
  }

  /** Replaces the user's words at `at` (as located by locateUserText) with `text`, wrapper kept. */
  editUserText(at: TextLocation, text: string): boolean {
    return this.editMessage(at.message, (m) => replaceAt(m, at, text));
  }

  /** Sets a field by path (`['metadata', 'tag']`), creating objects on the way; only its top-level field is parsed. */
  setPath(path: readonly string[], value: unknown): void {
    const [key, ...rest] = path;
    if (key === undefined) return;
    if (rest.length === 0) return this.setField(key, value);
    const top = structuredClone(this.field(key));
    const root: Record<string, unknown> = top && typeof top === 'object' && !Array.isArray(top) ? (top as Record<string, unknown>) : {};
    let obj = root;
    for (const k of rest.slice(0, -1)) {
      const next = obj[k];
      if (!next || typeof next !== 'object' || Array.isArray(next)) obj[k] = {};
      obj = obj[k] as Record<string, unknown>;
    }
    obj[rest[rest.length - 1]!] = value;
    this.setField(key, root);
  }

  /** Deletes a field by path; a path that is not there changes nothing. Returns whether it was there. */
  deletePath(path: readonly string[]): boolean {
    const [key, ...rest] = path;
    if (key === undefined || this.field(key) === undefined) return false;
    if (rest.length === 0) return (this.deleteField(key), true);
    const top = structuredClone(this.field(key));
    let obj: unknown = top;
    for (const k of rest.slice(0, -1)) obj = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[k] : undefined;
    const last = rest[rest.length - 1]!;
    if (!obj || typeof obj !== 'object' || !(last in obj)) return false;
    delete (obj as Record<string, unknown>)[last];
    this.setField(key, top);
    return true;
  }

  /** Replaces the whole body with `value` (a JSON object). */
  replaceWith(value: Record<string, unknown>): void {
    this.parsed = value as MessagesBody;
    this.small.clear();
    this.single.clear();
    this.dirty = true;
  }

  /** True when the bytes to send differ from the client's. */
  get changed(): boolean {
    return this.dirty || this.changedBytes;
  }

  /** The bytes to send upstream. */
  outgoing(): Buffer {
    if (this.dirty && this.parsed) {
      this.bytes = Buffer.from(JSON.stringify(this.parsed));
      this.dirty = false;
      this.changedBytes = true;
    }
    return this.bytes;
  }
}

/** Consecutive messages `first..last` replaced by one new message. */
export interface ElementRun {
  first: number;
  last: number;
  value: unknown;
}

/** One replaced span of the old bytes and the length of its new bytes. */
interface Edit {
  start: number;
  end: number;
  length: number;
}

/**
 * Moves every span of an index after the edits (sorted, non-overlapping) were applied, in one pass: an
 * offset outside the edited spans moves by the growth of the edits that end at or before it. Spans never
 * partly overlap an edit (JSON values nest), so a replaced span keeps its start and gets its new length.
 */
function shiftAll(index: TopLevelIndex, edits: readonly Edit[]): void {
  if (edits.length === 0) return;
  // growth[k] = total size change of edits[0..k-1]
  const growth = [0];
  for (const e of edits) growth.push(growth[growth.length - 1]! + e.length - (e.end - e.start));
  /** Index of the first edit ending after `offset` (edits are sorted, so their ends are too). */
  const before = (offset: number): number => {
    let lo = 0;
    let hi = edits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edits[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const move = (s: ValueSpan): void => {
    const k = before(s.start);
    const e = edits[k];
    if (e && e.start === s.start && e.end === s.end) {
      s.start += growth[k]!;
      s.end = s.start + e.length;
      return;
    }
    s.start += growth[k]!;
    s.end += growth[before(s.end)]!;
  };
  for (const s of index.keys.values()) move(s);
  for (const s of index.elements ?? []) move(s);
}
