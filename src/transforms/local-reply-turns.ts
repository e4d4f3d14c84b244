/**
 * Local replies sent as an Anthropic message (`reply: {as: message}`) stay in Claude Code's history: the
 * user's toggle word (`mmexec`) and the assistant message answering it come back with every later request.
 * This finds those turn pairs so `drop-reply-leftovers` can remove them: the word block goes (the rest of
 * that user message, e.g. Claude Code's reminders, moves into the next user message), the assistant
 * message goes, and `system` turns between them stay (several become one).
 */
import type { ElementRun } from '../body/request-body.js';
import type { LoadedConfig } from '../config/load.js';
import type { ContentBlock, Message } from '../pipeline/messages.js';

/** Patterns matching the whole text of each local reply of the config (`{{sticky}}`, `{{model}}` match anything). */
export function replyTextPatterns(loaded: LoadedConfig): RegExp[] {
  const patterns: RegExp[] = [];
  for (const r of loaded.config.routes) {
    const text = r.reply?.text;
    for (const t of typeof text === 'string' ? [text] : text ?? []) {
      const source = t
        .trim()
        .split(/\{\{\s*(?:sticky|model)\s*\}\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[\\s\\S]*?');
      patterns.push(new RegExp(`^${source}$`));
    }
  }
  return patterns;
}

/** The content of a message as blocks. */
export function blocksOf(m: Message): ContentBlock[] {
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content : [];
}

/** The only text of an assistant message that holds nothing else, or undefined. */
function soleText(m: Message | undefined): string | undefined {
  if (!m || m.role !== 'assistant') return undefined;
  const blocks = blocksOf(m);
  return blocks.length === 1 && blocks[0]!.type === 'text' && typeof blocks[0]!.text === 'string' ? blocks[0]!.text : undefined;
}

/** What the search needs: the messages (parsed one at a time), the words and the reply patterns. */
export interface TurnSource {
  message(i: number): Message | undefined;
  words: ReadonlySet<string>;
  patterns: readonly RegExp[];
  /** Applied to the user message after the pair (drops its own leftovers). */
  tidy(m: Message): Message;
}

/**
 * The edits removing each toggle-word turn answered by a local reply message, for user messages at the
 * candidate indices (ascending): runs that do not overlap, each replaced by one message.
 */
export function localReplyRuns(src: TurnSource, candidates: readonly number[]): ElementRun[] {
  const runs: ElementRun[] = [];
  let free = 0;
  for (const i of candidates) {
    if (i < free) continue;
    const found = pairAt(src, i);
    if (!found) continue;
    runs.push(...found);
    free = found.at(-1)!.last + 1;
  }
  return runs;
}

function pairAt(src: TurnSource, i: number): ElementRun[] | undefined {
  const user = src.message(i);
  if (!user || user.role !== 'user') return undefined;
  const blocks = blocksOf(user);
  const last = blocks.at(-1);
  if (!last || last.type !== 'text' || !src.words.has((last.text ?? '').trim())) return undefined;
  let j = i + 1;
  const systems: Message[] = [];
  for (let m = src.message(j); m?.role === 'system'; m = src.message(++j)) systems.push(m);
  const reply = soleText(src.message(j));
  const next = src.message(j + 1);
  if (reply === undefined || !src.patterns.some((p) => p.test(reply.trim())) || next?.role !== 'user') return undefined;
  const after = src.tidy(next);
  const rest = blocks.slice(0, -1);
  const merged: Message = rest.length === 0 ? after : { ...after, content: [...rest, ...blocksOf(after)] };
  if (systems.length === 0) return [{ first: i, last: j + 1, value: merged }];
  const system: Message = systems.length === 1 ? systems[0]! : { ...systems[0]!, content: systems.flatMap(blocksOf) };
  return [
    { first: i, last: j - 1, value: system },
    { first: j, last: j + 1, value: merged },
  ];
}
