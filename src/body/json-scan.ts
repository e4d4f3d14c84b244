/**
 * A byte-level scan of a JSON request body that finds the top-level keys and their value spans, and the
 * elements of one array, without building objects. It checks the structure (balanced brackets, closed
 * strings, only JSON tokens between them) at a fraction of JSON.parse's cost, so routing can read the
 * few fields it needs and forward the original bytes.
 */

/** Byte offsets of a value: `raw.subarray(start, end)`. */
export interface ValueSpan {
  start: number;
  end: number;
}

/** The top level of a JSON object body. */
export interface TopLevelIndex {
  /** Value span by key (the last one wins, as in JSON.parse). */
  keys: Map<string, ValueSpan>;
  /** Element spans of the array under `elementsOf`, when present and an array. */
  elements: ValueSpan[] | undefined;
}

/** Why a body is not valid JSON, with the byte offset. */
export class JsonScanError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
// Bytes that may appear outside strings: whitespace, structure, numbers and the letters of true/false/null.
const ALLOWED = new Uint8Array(256);
for (const c of ' \t\r\n{}[],:0123456789-+.eEtrufalsn') ALLOWED[c.charCodeAt(0)] = 1;
const WS = new Uint8Array(256);
for (const c of ' \t\r\n') WS[c.charCodeAt(0)] = 1;

/** Strings up to about this many bytes are walked in JS: a native indexOf call costs more than that walk. */
const SHORT_STRING = 48;

/** Index just past the closing quote of the string opening at `open` (throws JsonScanError when unclosed). */
export function skipString(b: Buffer, open: number): number {
  const n = b.length;
  let k = open + 1;
  for (const stop = Math.min(n, k + SHORT_STRING); k < stop; k++) {
    const c = b[k];
    if (c === QUOTE) return k + 1;
    if (c === BACKSLASH) k++;
  }
  if (k >= n) throw new JsonScanError('unterminated string', open);
  for (;;) {
    k = b.indexOf(QUOTE, k);
    if (k < 0) throw new JsonScanError('unterminated string', open);
    let m = k - 1;
    while (b[m] === BACKSLASH) m--;
    if (((k - 1 - m) & 1) === 0) return k + 1;
    k++;
  }
}

/** Index of the first non-whitespace byte at or after `i`. */
export function skipWs(b: Buffer, i: number): number {
  while (i < b.length && WS[b[i]!]) i++;
  return i;
}

/**
 * Index just past the value starting at `i` (after whitespace). When `elements` is given and the value is
 * an array, the span of each element is pushed to it.
 */
export function skipValue(b: Buffer, i: number, elements?: ValueSpan[]): number {
  const first = b[i];
  if (first === QUOTE) return skipString(b, i);
  if (first !== 123 && first !== 91) {
    const start = i;
    while (i < b.length && ALLOWED[b[i]!] && !WS[b[i]!] && b[i] !== 44 && b[i] !== 125 && b[i] !== 93 && b[i] !== 58) i++;
    if (i === start) throw new JsonScanError('unexpected byte', i);
    return i;
  }
  const stack: number[] = [first === 123 ? 125 : 93];
  let elementStart = first === 91 && elements ? skipWs(b, i + 1) : -1;
  if (elementStart >= 0 && b[elementStart] === 93) elementStart = -1;
  i++;
  while (stack.length > 0) {
    if (i >= b.length) throw new JsonScanError('unexpected end of body', i);
    const c = b[i]!;
    if (c === QUOTE) {
      i = skipString(b, i);
      continue;
    }
    if (!ALLOWED[c]) throw new JsonScanError('unexpected byte', i);
    if (c === 123) stack.push(125);
    else if (c === 91) stack.push(93);
    else if (c === 125 || c === 93) {
      if (stack.pop() !== c) throw new JsonScanError('mismatched bracket', i);
      if (stack.length === 0 && elementStart >= 0) elements!.push({ start: elementStart, end: trimEnd(b, elementStart, i) });
    } else if (c === 44 && stack.length === 1 && elementStart >= 0) {
      elements!.push({ start: elementStart, end: trimEnd(b, elementStart, i) });
      elementStart = skipWs(b, i + 1);
    }
    i++;
  }
  return i;
}

function trimEnd(b: Buffer, start: number, end: number): number {
  while (end > start && WS[b[end - 1]!]) end--;
  return end;
}

/**
 * Scans a body that must be one JSON object. Throws JsonScanError when it is not well formed.
 * `elementsOf` names a top-level key whose array elements are indexed too (e.g. `messages`).
 */
export function scanTopLevel(b: Buffer, elementsOf?: string): TopLevelIndex {
  const keys = new Map<string, ValueSpan>();
  let elements: ValueSpan[] | undefined;
  let i = skipWs(b, 0);
  if (b[i] !== 123) throw new JsonScanError('expected a JSON object', i);
  i = skipWs(b, i + 1);
  if (b[i] === 125) return finish(b, i + 1, keys, elements);
  for (;;) {
    if (b[i] !== QUOTE) throw new JsonScanError('expected a key', i);
    const keyEnd = skipString(b, i);
    const key = keyOf(b, i, keyEnd);
    i = skipWs(b, keyEnd);
    if (b[i] !== 58) throw new JsonScanError("expected ':'", i);
    const start = skipWs(b, i + 1);
    const list = key === elementsOf && b[start] === 91 ? [] : undefined;
    const end = skipValue(b, start, list);
    keys.set(key, { start, end });
    if (list) elements = list;
    i = skipWs(b, end);
    if (b[i] === 44) {
      i = skipWs(b, i + 1);
      continue;
    }
    if (b[i] === 125) return finish(b, i + 1, keys, elements);
    throw new JsonScanError("expected ',' or '}'", i);
  }
}

/** Decodes a key; escaped keys go through JSON.parse like the real parser would. */
function keyOf(b: Buffer, open: number, end: number): string {
  const inner = b.subarray(open + 1, end - 1);
  return inner.includes(BACKSLASH) ? (JSON.parse(b.toString('utf8', open, end)) as string) : inner.toString('utf8');
}

function finish(b: Buffer, i: number, keys: Map<string, ValueSpan>, elements: ValueSpan[] | undefined): TopLevelIndex {
  if (skipWs(b, i) !== b.length) throw new JsonScanError('unexpected data after the object', i);
  return { keys, elements };
}
