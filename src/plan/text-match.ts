/** Compiles equals / prefix / regex / glob matchers once, for conditions and transforms. */
import type { TextMatchConfig } from '../config/types.js';
import { backtrackRisk } from './regex-safety.js';

/** The span a matcher found, in the original text. */
export interface Span {
  start: number;
  end: number;
}

/** A compiled matcher: the matched span, or undefined. */
export type TextMatcher = (text: string) => Span | undefined;

/**
 * Regexes run on at most this many characters of the text, so a pathological pattern cannot stall the
 * gateway on a huge message.
 */
export const REGEX_INPUT_LIMIT = 4096;

/** Nested quantifiers such as `(a+)+` or `(\w*)*` can backtrack catastrophically. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/;

/** Compiles a regex source, or returns the reason it is not acceptable. */
export function compileRegex(source: string, ignoreCase = false): RegExp | string {
  const risk = NESTED_QUANTIFIER.test(source) ? 'it nests quantifiers' : backtrackRisk(source);
  if (risk) return `regex /${source}/ could backtrack catastrophically: ${risk}`;
  try {
    return new RegExp(source, ignoreCase ? 'iu' : 'u');
  } catch (err) {
    return `invalid regex /${source}/: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

/** Compiles a match object; returns a reason string when it is invalid. */
export function compileTextMatch(m: TextMatchConfig): TextMatcher | string {
  const fold = m.ignore_case ? (s: string): string => s.toLowerCase() : (s: string): string => s;
  const trimmed = (text: string): { s: string; offset: number } => {
    if (!m.trim) return { s: text, offset: 0 };
    const s = text.trim();
    return { s, offset: s.length === 0 ? 0 : text.indexOf(s[0]!) };
  };
  if (m.equals !== undefined) {
    const want = fold(m.equals);
    return (text) => {
      const { s, offset } = trimmed(text);
      return fold(s) === want ? { start: offset, end: offset + s.length } : undefined;
    };
  }
  if (m.prefix !== undefined) {
    const want = fold(m.prefix);
    return (text) => {
      const { s, offset } = trimmed(text);
      return fold(s.slice(0, want.length)) === want ? { start: offset, end: offset + want.length } : undefined;
    };
  }
  const re = compileRegex(m.regex ?? '', m.ignore_case);
  if (typeof re === 'string') return re;
  return (text) => {
    const { s, offset } = trimmed(text);
    const found = re.exec(s.length > REGEX_INPUT_LIMIT ? s.slice(0, REGEX_INPUT_LIMIT) : s);
    return found ? { start: offset + found.index, end: offset + found.index + found[0].length } : undefined;
  };
}

/** Compiles a glob (`*` any run, `?` one character) to an anchored, case-insensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
