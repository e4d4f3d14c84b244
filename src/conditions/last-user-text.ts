/** The `last_user_text` condition: the user's latest words match; the match is the trigger strip_trigger removes. */
import type { TextMatchConfig } from '../config/types.js';
import { compileTextMatch } from '../match/text-match.js';
import { wordsOf } from '../pipeline/user-text.js';
import type { ConditionDefinition } from './condition.js';
import { leaf, quote, textMatchSchema } from './leaf.js';

/** `last_user_text: { equals | prefix | regex, trim, ignore_case }`. */
export const lastUserText: ConditionDefinition = {
  name: 'last_user_text',
  description:
    "The user's latest words match (`equals` / `prefix` / `regex`, with `trim`, `ignore_case`), wherever Claude Code put them: the last text block of the last user turn, past any trailing `role: \"system\"` turns, or the text typed while a tool ran, which Claude Code wraps in \"The user sent a new message while you were working:\" inside a system turn, the tool_result turn or the tool_result itself; `strip_trigger` removes the match there and keeps the wrapper.",
  paramsSchema: {
    ...textMatchSchema('How to match the last user text: the last text block of the last message, or its string content. Give exactly one of equals, prefix or regex.'),
    examples: [{ regex: '^mmexec(\\s|$)' }, { equals: 'mmstatus', trim: true }],
  },
  compile(params, cc, path, negated) {
    const cfg = params as TextMatchConfig;
    const match = compileTextMatch(cfg);
    if (typeof match === 'string') return void cc.error([...path, 'regex'], match);
    const what = cfg.equals !== undefined ? `equals ${quote(cfg.equals)}` : cfg.prefix !== undefined ? `starts with ${quote(cfg.prefix)}` : `matches /${cfg.regex}/`;
    return leaf(
      `last user text ${what}`,
      (ctx) => {
        const at = ctx.lastUserText();
        const span = at ? match(wordsOf(at)) : undefined;
        if (span && at && !negated) ctx.trigger = { at, start: at.start + span.start, end: at.start + span.end };
        return span !== undefined;
      },
      (ctx) => {
        const at = ctx.lastUserText();
        return `text ${quote(at && wordsOf(at))}`;
      },
    );
  },
};
