/**
 * Rule regexes run on RE2JS, a linear-time engine: matching costs time proportional to the text whatever
 * the pattern, so no rule can backtrack catastrophically. Patterns are written in JavaScript syntax
 * (unicode mode), rewritten to RE2 syntax with JavaScript's meaning (see js-to-re2.ts); what needs
 * backtracking (backreferences, lookarounds) is refused at load with its position.
 */
import { RE2JS } from 're2js';
import { jsToRe2 } from './js-to-re2.js';

/** The span a match covers, in UTF-16 indices of the text. */
export interface Span {
  start: number;
  end: number;
}

/** A compiled linear-time regex. Shared; holds no per-match state. */
export interface LinearRegex {
  readonly source: string;
  /** The first match in `text`, at or after `from`. */
  exec(text: string, from?: number): { span: Span; groups: Array<string | undefined> } | undefined;
  /** Whether `text` holds a match. */
  test(text: string): boolean;
}

/** Flags a rule regex may have. */
export interface RegexFlags {
  ignoreCase?: boolean;
  multiline?: boolean;
}

function describe(source: string, flags: RegexFlags): string {
  return `/${source}/${flags.ignoreCase ? 'i' : ''}${flags.multiline ? 'm' : ''}`;
}

/** Compiles a rule regex, or returns why it is refused (invalid JavaScript, or not runnable in linear time). */
export function compileLinearRegex(source: string, flags: RegexFlags = {}): LinearRegex | string {
  const shown = describe(source, flags);
  try {
    // Only parsed, never run: the pattern must be valid JavaScript in unicode mode.
    new RegExp(source, 'u');
  } catch (err) {
    return `invalid regex ${shown}: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`;
  }
  const rewritten = jsToRe2(source);
  if (!rewritten.ok) {
    return `regex ${shown}: the ${rewritten.reason} at character ${rewritten.index + 1} is not supported (rule regexes run on a linear-time engine, which has no backreferences or lookarounds)`;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(rewritten.source, (flags.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (flags.multiline ? RE2JS.MULTILINE : 0));
  } catch (err) {
    const why = (err as Error).message.replace(/^error parsing regexp: /, '');
    return `regex ${shown} is not supported by the linear-time engine: ${why}`;
  }
  return {
    source,
    exec(text, from = 0) {
      const m = re.matcher(text);
      if (!m.find(from)) return undefined;
      const groups: Array<string | undefined> = [];
      for (let g = 1; g <= m.groupCount(); g++) groups.push(m.group(g) ?? undefined);
      return { span: { start: m.start(), end: m.end() }, groups };
    },
    test: (text) => re.test(text),
  };
}
