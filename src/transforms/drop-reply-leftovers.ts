/**
 * The `drop-reply-leftovers` request transform. When a turn fails (a teapot 418 is a failure to Claude
 * Code), Claude Code merges its text into the next user message: `["mmstatus\n", "next please"]`. The
 * toggle word was answered by the gateway and means nothing to a model, so it is removed from every user
 * message that carries more after it. A byte search rules out requests without such a word unparsed.
 */
import type { LoadedConfig } from '../config/load.js';
import type { ConditionConfig } from '../config/types.js';
import type { ContentBlock, Message } from '../pipeline/messages.js';
import { localReplyRuns, replyTextPatterns, type TurnSource } from './local-reply-turns.js';
import type { TransformDefinition } from './transform.js';

/** The exact texts that routes answering locally match (`last_user_text: {equals}`), at any depth of `when`. */
export function replyWords(loaded: LoadedConfig): string[] {
  const words = new Set<string>();
  const visit = (c: ConditionConfig | undefined): void => {
    if (!c) return;
    if (c.last_user_text?.equals) words.add(c.last_user_text.equals.trim());
    for (const sub of [...(c.all ?? []), ...(c.any ?? [])]) visit(sub);
  };
  for (const r of loaded.config.routes) if (r.reply) visit(r.when);
  return [...words].filter(Boolean);
}

/** True for a text block holding nothing but one of the words. */
function isLeftover(block: unknown, words: ReadonlySet<string>): boolean {
  const b = block as ContentBlock | null;
  return !!b && b.type === 'text' && typeof b.text === 'string' && words.has(b.text.trim());
}

/** The message without its leftover blocks, or undefined when it has none to drop. */
function withoutLeftovers(m: Message, words: ReadonlySet<string>): Message | undefined {
  if (m.role !== 'user' || !Array.isArray(m.content)) return undefined;
  const content = m.content;
  let lastKept = content.length - 1;
  while (lastKept >= 0 && isLeftover(content[lastKept], words)) lastKept--;
  const kept = content.filter((b, i) => i > lastKept || !isLeftover(b, words));
  if (lastKept < 0 || kept.length === content.length) return undefined;
  return { ...m, content: kept };
}

/** Drops the toggle words Claude Code merges into the message after a failed turn. */
export const dropReplyLeftovers: TransformDefinition = {
  name: 'drop-reply-leftovers',
  phase: 'request',
  description:
    'Removes text blocks that hold only a word answered by a local reply route (default: the `equals` texts of reply routes; or `words`) from user messages with more after them: Claude Code merges the text of a failed (teapot) turn into the next message. A word answered by a local reply message (`as: message`) is removed with that assistant message from later histories.',
  paramsOptional: true,
  paramsSchema: { type: 'object', additionalProperties: false, required: ['words'], properties: { words: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } } },
  compile: (params, cc) => {
    const list = (params as { words?: string[] } | undefined)?.words ?? replyWords(cc.loaded);
    const words = new Set(list.map((w) => w.trim()));
    const patterns = replyTextPatterns(cc.loaded);
    const needles = [...words].map((w) => Buffer.from(JSON.stringify(w).slice(1, -1)));
    const tidy = (m: Message): Message => withoutLeftovers(m, words) ?? m;
    return {
      name: 'drop-reply-leftovers',
      onRequest(ctx) {
        const payload = ctx.payload;
        if (!payload || words.size === 0) return;
        const source: TurnSource = { message: (i) => payload.message(i), words, patterns, tidy };
        const candidates = payload.messagesWith(needles);
        // Reply turns (word and answer) go first; the other candidates lose only their leftover blocks.
        const runs = patterns.length > 0 ? localReplyRuns(source, candidates) : [];
        const inRun = (i: number): boolean => runs.some((r) => i >= r.first && i <= r.last);
        for (const i of candidates) {
          const m = inRun(i) ? undefined : payload.message(i);
          const next = m && withoutLeftovers(m, words);
          if (next) runs.push({ first: i, last: i, value: next });
        }
        payload.replaceMessageRuns(runs);
      },
    };
  },
};
