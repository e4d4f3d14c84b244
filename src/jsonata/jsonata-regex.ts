/**
 * The regex engine JSONata expressions use (its `RegexEngine` option): JSONata regex literals run on the
 * same linear-time engine as rule regexes, so `$match`, `$contains`, `$replace` and `$split` cannot
 * backtrack catastrophically.
 */
import { compileLinearRegex, type LinearRegex } from '../match/linear-regex.js';

/** Longest text a JSONata regex is run on; a longer one fails the evaluation (linear work stays bounded). */
export const JSONATA_REGEX_INPUT_LIMIT = 1024 * 1024;

/** Compiled once per regex literal (JSONata hands the same RegExp object to every evaluation). */
const compiled = new WeakMap<RegExp, LinearRegex>();

/** Compiles a JSONata regex literal for the linear engine; returns the reason when it cannot run there. */
export function linearFor(re: RegExp): LinearRegex | string {
  const hit = compiled.get(re);
  if (hit) return hit;
  const made = compileLinearRegex(re.source, { ignoreCase: re.flags.includes('i'), multiline: re.flags.includes('m') });
  if (typeof made !== 'string') compiled.set(re, made);
  return made;
}

/** The RegExp subset JSONata calls: `lastIndex` and a global `exec`. */
export class LinearRegExp {
  lastIndex = 0;
  private readonly re: LinearRegex;

  constructor(pattern: RegExp) {
    const made = linearFor(pattern);
    if (typeof made === 'string') throw { code: 'MMEXEC_REGEX', message: made };
    this.re = made;
  }

  /** Like a global RegExp's exec: searches from lastIndex and moves it past the match. */
  exec(text: string): RegExpExecArray | null {
    if (text.length > JSONATA_REGEX_INPUT_LIMIT) {
      throw { code: 'MMEXEC_REGEX', message: `a JSONata regex was given ${text.length} characters; at most ${JSONATA_REGEX_INPUT_LIMIT} are allowed` };
    }
    const found = this.lastIndex <= text.length ? this.re.exec(text, this.lastIndex) : undefined;
    if (!found) {
      this.lastIndex = 0;
      return null;
    }
    this.lastIndex = found.span.end;
    const out = [text.slice(found.span.start, found.span.end), ...found.groups] as unknown as RegExpExecArray;
    out.index = found.span.start;
    out.input = text;
    return out;
  }
}
