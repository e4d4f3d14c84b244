/**
 * Byte-level edits of the top-level members of a JSON object body: finding a member's key from its value
 * span, cutting one member out, and rebuilding the top level with several members set or removed in one copy.
 */
import type { TopLevelIndex, ValueSpan } from './json-scan.js';

/** The value that removes a field in RequestBody.applyFieldEdits. */
export const REMOVE_FIELD = Symbol('remove field');

const COMMA = Buffer.from(',');
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Offset of the opening quote of the key whose value is `span` (found by walking back from the value). */
export function keyStart(b: Buffer, span: ValueSpan): number {
  let i = span.start - 1;
  while (WHITESPACE.has(b[i]!)) i--;
  i--; // the ':'
  while (WHITESPACE.has(b[i]!)) i--;
  let open = i - 1; // i is the key's closing quote
  while (open > 0 && !(b[open] === 0x22 && b[open - 1] !== 0x5c)) open--;
  return open;
}

/**
 * Byte range of the member `"key": value` whose value is `span`, with one separating comma: the comma before
 * it, or the one after it when it is the first member.
 */
export function memberBounds(b: Buffer, span: ValueSpan): [number, number] {
  const open = keyStart(b, span);
  let before = open - 1;
  while (WHITESPACE.has(b[before]!)) before--;
  if (b[before] === 0x2c /* , */) return [before, span.end];
  let after = span.end;
  while (WHITESPACE.has(b[after]!)) after++;
  if (b[after] === 0x2c) {
    after++;
    while (WHITESPACE.has(b[after]!)) after++;
    return [open, after];
  }
  return [open, span.end];
}

/** Appends byte pieces, tracking the length so far. */
class Pieces {
  readonly list: Buffer[] = [];
  length = 0;
  private first = true;
  push(piece: Buffer): void {
    this.list.push(piece);
    this.length += piece.length;
  }
  /** A comma before every member but the first. */
  separate(): void {
    if (!this.first) this.push(COMMA);
    this.first = false;
  }
}

/**
 * The bytes and index of the object with `edits` applied (a value sets a member, REMOVE_FIELD removes it, new
 * keys go last). Untouched members keep their bytes and move as one piece, the messages' element spans with
 * them. `top` must hold at least one key.
 */
export function rebuildFields(b: Buffer, top: TopLevelIndex, edits: ReadonlyMap<string, unknown>): { bytes: Buffer; index: TopLevelIndex } {
  const members = [...top.keys.entries()].sort((x, y) => x[1].start - y[1].start);
  const out = new Pieces();
  const keys = new Map<string, ValueSpan>();
  let elements = top.elements;
  out.push(b.subarray(0, keyStart(b, members[0]![1])));
  for (const [key, span] of members) {
    const edit = edits.get(key);
    if (edit === REMOVE_FIELD) continue;
    out.separate();
    const from = keyStart(b, span);
    if (!edits.has(key)) {
      const delta = out.length - from;
      out.push(b.subarray(from, span.end));
      keys.set(key, { start: span.start + delta, end: span.end + delta });
      if (key === 'messages') elements = top.elements?.map((e) => ({ start: e.start + delta, end: e.end + delta }));
      continue;
    }
    out.push(b.subarray(from, span.start));
    const start = out.length;
    out.push(Buffer.from(JSON.stringify(edit)));
    keys.set(key, { start, end: out.length });
  }
  for (const [key, v] of edits) {
    if (top.keys.has(key) || v === REMOVE_FIELD) continue;
    out.separate();
    out.push(Buffer.from(`${JSON.stringify(key)}:`));
    const start = out.length;
    out.push(Buffer.from(JSON.stringify(v)));
    keys.set(key, { start, end: out.length });
  }
  out.push(b.subarray(Math.max(...members.map(([, s]) => s.end))));
  return { bytes: Buffer.concat(out.list, out.length), index: { keys, elements } };
}
