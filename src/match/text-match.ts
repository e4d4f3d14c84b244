/** Compiles equals / prefix / regex matchers once, for conditions and transforms. */
import type { TextMatchConfig } from '../config/types.js';
import { compileLinearRegex, type LinearRegex, type Span } from './linear-regex.js';

export type { Span } from './linear-regex.js';

/** A compiled matcher: the matched span, or undefined. */
export type TextMatcher = (text: string) => Span | undefined;

/**
 * Regexes run on at most this many characters of the text: matching is linear in the text (see
 * linear-regex.ts), and this bounds that line too.
 */
export const REGEX_INPUT_LIMIT = 4096;

/**
 * Longest model name matched against globs and regexes (model conditions, prices). Real names are far
 * shorter (the longest, ARNs of inference profiles, are about 100); a longer one matches nothing.
 */
export const MAX_MODEL_NAME = 256;

/** Compiles a rule regex for the linear-time engine, or returns the reason it is not acceptable. */
export function compileRegex(source: string, ignoreCase = false): LinearRegex | string {
  return compileLinearRegex(source, { ignoreCase });
}

/** The text a regex sees: at most REGEX_INPUT_LIMIT characters. */
export function regexInput(text: string): string {
  return text.length > REGEX_INPUT_LIMIT ? text.slice(0, REGEX_INPUT_LIMIT) : text;
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
    const found = re.exec(regexInput(s));
    return found ? { start: offset + found.span.start, end: offset + found.span.end } : undefined;
  };
}
