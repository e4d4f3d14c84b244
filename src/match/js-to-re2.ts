/**
 * Rewrites a JavaScript (unicode-mode) regex source into RE2 syntax with the same meaning, so rule regexes
 * keep JavaScript's semantics on a linear-time engine. Features that need backtracking (backreferences,
 * lookarounds) have no linear-time form: they are reported with their position instead.
 */

/** A rewritten source, or why the source cannot run in linear time and where (0-based index). */
export type Re2Source = { ok: true; source: string } | { ok: false; reason: string; index: number };

/** JavaScript's `\s`: WhiteSpace and LineTerminator code points (ECMA-262 §22.2.2.9, CharacterClassEscape). */
const JS_SPACE: ReadonlyArray<readonly [number, number]> = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const MAX_CODE_POINT = 0x10ffff;

const hex = (n: number): string => `\\x{${n.toString(16)}}`;
const ranges = (list: ReadonlyArray<readonly [number, number]>): string => list.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');

function complement(list: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [a, b] of list) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

const SPACE = ranges(JS_SPACE);
const NOT_SPACE = ranges(complement(JS_SPACE));
/** JavaScript's `.` without the s flag: anything but a line terminator. */
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const ANY = `${hex(0)}-${hex(MAX_CODE_POINT)}`;
const PROPERTY_PREFIX = /^(?:Script|sc|General_Category|gc)=/;

interface Escape {
  text: string;
  length: number;
}

/** `\u{...}`, `\uHHHH` and surrogate pairs written as two `\uHHHH` escapes (one code point in unicode mode). */
function unicodeEscape(src: string, i: number): Escape | undefined {
  const braced = /^\\u\{([0-9A-Fa-f]+)\}/.exec(src.slice(i, i + 12));
  if (braced) return { text: hex(parseInt(braced[1]!, 16)), length: braced[0].length };
  const pair = /^\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})/i.exec(src.slice(i, i + 12));
  if (pair) {
    const cp = 0x10000 + ((parseInt(pair[1]!, 16) - 0xd800) << 10) + (parseInt(pair[2]!, 16) - 0xdc00);
    return { text: hex(cp), length: 12 };
  }
  const four = /^\\u([0-9A-Fa-f]{4})/.exec(src.slice(i, i + 6));
  return four ? { text: hex(parseInt(four[1]!, 16)), length: 6 } : undefined;
}

/** Rewrites the escape at `i` (a backslash); inClass says whether it sits inside `[...]`. */
function escape(src: string, i: number, inClass: boolean): Escape | { reason: string } {
  const c = src[i + 1] ?? '';
  if (c >= '1' && c <= '9') return { reason: `backreference \\${c}` };
  if (c === 'k') return { reason: 'named backreference \\k<…>' };
  if (c === 'u') return unicodeEscape(src, i) ?? { text: '\\u', length: 2 };
  if (c === 's') return { text: inClass ? SPACE : `[${SPACE}]`, length: 2 };
  if (c === 'S') return { text: inClass ? NOT_SPACE : `[${NOT_SPACE}]`, length: 2 };
  if (c === 'v') return { text: hex(0x0b), length: 2 };
  if (c === '0') return { text: hex(0), length: 2 };
  if (c === 'b' && inClass) return { text: hex(0x08), length: 2 };
  if (c === 'c' && /[A-Za-z]/.test(src[i + 2] ?? '')) return { text: hex(src.charCodeAt(i + 2) % 32), length: 3 };
  if ((c === 'p' || c === 'P') && src[i + 2] === '{') {
    const end = src.indexOf('}', i + 3);
    const name = src.slice(i + 3, end).replace(PROPERTY_PREFIX, '');
    return { text: `\\${c}{${name}}`, length: end - i + 1 };
  }
  if (c === 'x') return { text: hex(parseInt(src.slice(i + 2, i + 4), 16)), length: 4 };
  if (c === '/') return { text: '/', length: 2 };
  // An escaped syntax character (or, in classes, `\-`): RE2 reads it the same way.
  return { text: `\\${c}`, length: 2 };
}

/** What a `(` at `i` opens: a lookaround is refused, anything else is copied. */
function lookaround(src: string, i: number): string | undefined {
  const head = src.slice(i, i + 4);
  if (head.startsWith('(?=') || head.startsWith('(?!')) return 'lookahead';
  if (head.startsWith('(?<=') || head.startsWith('(?<!')) return 'lookbehind';
  return undefined;
}

/** Rewrites `src`, which must already be a valid JavaScript unicode-mode regex. */
export function jsToRe2(src: string): Re2Source {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    if (c === '\\') {
      const e = escape(src, i, inClass);
      if ('reason' in e) return { ok: false, reason: e.reason, index: i };
      out += e.text;
      i += e.length;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
    } else if (c === '[') {
      inClass = true;
      if (src.startsWith('[]', i) || src.startsWith('[^]', i)) {
        const negated = src[i + 1] === '^';
        out += negated ? `[${ANY}]` : `[^${ANY}]`;
        i += negated ? 3 : 2;
        inClass = false;
        continue;
      }
      out += c;
      if (src[i + 1] === '^') (out += '^'), i++;
    } else if (c === '(') {
      const kind = lookaround(src, i);
      if (kind) return { ok: false, reason: kind, index: i };
      out += c;
    } else {
      out += c === '.' ? DOT : c;
    }
    i++;
  }
  return { ok: true, source: out };
}
