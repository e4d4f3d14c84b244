/**
 * The `strip-earlier-triggers` request transform. strip_trigger removes a trigger from the words of the
 * request that carries it, but Claude Code replays the user's original words in every later request: the
 * history would show `mmexec refactor the module`, or, for text typed during a tool run, the wrapped
 * `mmrelease stop here`. This removes the triggers of strip_trigger routes from the user's words of every
 * earlier turn too, in the same way, so no upstream sees a trigger word and each turn keeps the bytes it
 * had when its trigger was first stripped. A byte search for the triggers' literal words rules out most
 * requests without parsing them.
 */
import type { LoadedConfig } from '../config/load.js';
import type { TextMatchConfig } from '../config/types.js';
import type { Message } from '../pipeline/messages.js';
import { replaceAt, userTextIn, wordsOf } from '../pipeline/user-text.js';
import { compileTextMatch, type TextMatcher } from '../match/text-match.js';
import { stripped } from './simple-request.js';
import type { TransformDefinition } from './transform.js';

/** The text matches of strip_trigger routes (their top-level `last_user_text`). */
function triggerMatches(loaded: LoadedConfig): TextMatchConfig[] {
  return loaded.config.routes.filter((r) => r.strip_trigger && r.when?.last_user_text).map((r) => r.when!.last_user_text!);
}

/**
 * A word every match must contain, for the byte search: the literal an `equals`/`prefix` match or a regex
 * starts with (after `^` and `\s*`/`\s+`), when it has at least 3 characters and the regex no alternation
 * outside groups. Undefined when there is none to rely on: then every user turn is read.
 */
export function literalOf(m: TextMatchConfig): string | undefined {
  if (m.ignore_case) return undefined;
  if (m.regex === undefined) return (m.equals ?? m.prefix ?? '').trim() || undefined;
  let depth = 0;
  for (let i = 0; i < m.regex.length; i++) {
    const c = m.regex[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return undefined;
  }
  const lead = /^\^?(?:\\s[*+])?([A-Za-z0-9_-]+)([?*{])?/.exec(m.regex);
  if (!lead) return undefined;
  const word = lead[2] ? lead[1]!.slice(0, -1) : lead[1]!;
  return word.length >= 3 ? word : undefined;
}

/** The message with its trigger stripped, or undefined when its words hold none. */
function strippedMessage(m: Message, index: number, matchers: readonly TextMatcher[]): Message | undefined {
  const at = userTextIn(m, index);
  if (!at) return undefined;
  for (const match of matchers) {
    const span = match(wordsOf(at));
    if (!span) continue;
    const copy = structuredClone(m) as Message;
    replaceAt(copy, at, stripped({ at, start: at.start + span.start, end: at.start + span.end }));
    return copy;
  }
  return undefined;
}

/** Strips the triggers of strip_trigger routes from the user's words in earlier turns. */
export const stripEarlierTriggers: TransformDefinition = {
  name: 'strip-earlier-triggers',
  phase: 'request',
  description:
    "Removes the triggers of strip_trigger routes from the user's words in earlier turns, which Claude Code replays as typed, so no upstream sees a trigger word in the history.",
  compile: (_params, cc) => {
    const configs = triggerMatches(cc.loaded);
    const matchers = configs.map((m) => compileTextMatch(m)).filter((m): m is TextMatcher => typeof m !== 'string');
    const words = configs.map(literalOf);
    const needles = words.every((w) => w !== undefined) ? words.map((w) => Buffer.from(JSON.stringify(w).slice(1, -1))) : undefined;
    return {
      name: 'strip-earlier-triggers',
      onRequest(ctx) {
        const payload = ctx.payload;
        if (!payload || matchers.length === 0) return;
        const current = ctx.lastUserText()?.message;
        const edit = (m: Message, i: number): Message | undefined => (i === current ? undefined : strippedMessage(m, i, matchers));
        payload.editMessages(edit, needles ? payload.messagesWith(needles) : undefined);
      },
    };
  },
};
