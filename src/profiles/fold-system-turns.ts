/**
 * Folds `role: "system"` turns (Claude Code from 2.1.233 ends `messages` with them) into user turns: each
 * run of consecutive user and system turns that holds a system turn becomes one user turn, so no two
 * turns of the same role follow each other and none is empty. Tool results stay first in the merged turn,
 * as providers require after a tool call.
 */
import type { ContentBlock, Message } from '../pipeline/messages.js';

/** A run of messages `first..last` to be replaced by `value`. */
export interface MessageRun {
  first: number;
  last: number;
  value: Message;
}

/** The message content as blocks; a system turn's blank text is dropped (providers refuse blank text). */
function blocksOf(m: Message): ContentBlock[] {
  const blank = (t: unknown): boolean => m.role === 'system' && typeof t === 'string' && t.trim() === '';
  if (typeof m.content === 'string') return m.content === '' || blank(m.content) ? [] : [{ type: 'text', text: m.content }];
  if (!Array.isArray(m.content)) return [];
  return m.content.filter((b) => !(b?.type === 'text' && (b.text === '' || blank(b.text))));
}

/** A system turn's text as Claude Code marks its own context inside user turns. */
function asReminder(b: ContentBlock): ContentBlock {
  if (b?.type !== 'text' || typeof b.text !== 'string' || b.text.trimStart().startsWith('<system-reminder>')) return b;
  return { ...b, text: `<system-reminder>\n${b.text}\n</system-reminder>` };
}

/**
 * Merges a run of user and system turns into one user turn: tool results first, then the system turns'
 * text as `<system-reminder>` blocks, then the user's blocks, so the user's words stay last, where Claude
 * Code itself puts them (it places its reminders before the typed text when it sends no system turns).
 */
export function mergeTurns(turns: readonly Message[]): Message {
  const blocks = turns.flatMap((m) => (m.role === 'system' ? blocksOf(m).map(asReminder) : blocksOf(m)).map((b) => ({ b, system: m.role === 'system' })));
  const results = blocks.filter(({ b }) => b?.type === 'tool_result').map(({ b }) => b);
  const system = blocks.filter(({ b, system }) => system && b?.type !== 'tool_result').map(({ b }) => b);
  const user = blocks.filter(({ b, system }) => !system && b?.type !== 'tool_result').map(({ b }) => b);
  const content = [...results, ...system, ...user];
  if (content.length === 0) content.push({ type: 'text', text: '[empty system note]' });
  return { role: 'user', content };
}

/**
 * The runs to merge, given the roles of all messages (`roleOf` reads one without parsing the rest, `get`
 * parses a message) and the indexes of the system turns.
 */
export function foldRuns(count: number, systemTurns: readonly number[], roleOf: (i: number) => string, get: (i: number) => Message): MessageRun[] {
  const runs: MessageRun[] = [];
  const isFoldable = (i: number): boolean => {
    const r = roleOf(i);
    return r === 'user' || r === 'system';
  };
  for (const s of systemTurns) {
    if (runs.length > 0 && runs[runs.length - 1]!.last >= s) continue;
    let first = s;
    while (first > 0 && isFoldable(first - 1)) first--;
    let last = s;
    while (last + 1 < count && isFoldable(last + 1)) last++;
    const turns: Message[] = [];
    for (let i = first; i <= last; i++) turns.push(get(i));
    runs.push({ first, last, value: mergeTurns(turns) });
  }
  return runs;
}
