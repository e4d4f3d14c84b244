/**
 * Shapes tool definitions to a profile: server tools it does not run (web search, code execution ...) are
 * removed, and client tools lose the keys it does not take (`defer_loading`, `eager_input_streaming` ...),
 * so deferred tools are sent as ordinary ones. The tools are parsed only when a byte search finds such a key
 * or a server tool.
 */
import { BytesMemo } from '../body/bytes-memo.js';
import type { FieldAccess } from './field-edits.js';
import type { ProfileRules } from './types.js';

/** Tool keys Anthropic defines beyond a client tool's name, description and input_schema. */
const EXTRA_TOOL_KEYS = ['defer_loading', 'eager_input_streaming', 'strict', 'input_examples', 'allowed_callers', 'cache_control'];

type Tool = Record<string, unknown> & { name?: unknown; type?: unknown };

/** A server tool's type carries a date (`web_search_20250305`); a client tool has none or `custom`. */
const isServerTool = (t: Tool): boolean => typeof t.type === 'string' && t.type !== 'custom';

/** Per rules: the search for tools that may need a change, and its verdicts by the tools' bytes (a session sends the same tools every time). */
const looks = new WeakMap<ProfileRules, { re: RegExp; verdicts: BytesMemo<boolean> } | undefined>();

/** One pattern for the keys the rules do not take and (unless all are run) a dated server tool type. */
function lookFor(rules: ProfileRules): { re: RegExp; verdicts: BytesMemo<boolean> } | undefined {
  if (looks.has(rules)) return looks.get(rules);
  const keys = rules.toolKeys === 'all' ? [] : EXTRA_TOOL_KEYS.filter((k) => !(rules.toolKeys as readonly string[]).includes(k));
  const parts = [...keys.map((k) => `"${k}"`), ...(rules.serverTools === 'all' ? [] : ['_\\d{8}"'])];
  const look = parts.length > 0 ? { re: new RegExp(parts.join('|')), verdicts: new BytesMemo<boolean>() } : undefined;
  looks.set(rules, look);
  return look;
}

/** Whether the tools may need a change: one regular-expression pass over their bytes (remembered), no parse. */
function needsLook(body: FieldAccess, rules: ProfileRules): boolean {
  const span = body.span('tools');
  if (!span) return body.field('tools') !== undefined; // parsed (no bytes to search), or no tools
  const look = lookFor(rules);
  return look !== undefined && look.verdicts.get(body.bytesOf(span), (bytes) => look.re.test(bytes.toString('latin1')));
}

function serverToolAccepted(t: Tool, rules: ProfileRules): boolean {
  return rules.serverTools === 'all' || rules.serverTools.some((p) => (t.type as string).startsWith(p));
}

/** Shapes `tools` (and a tool_choice naming a removed tool). */
export function shapeTools(body: FieldAccess, rules: ProfileRules, notes: string[]): void {
  if ((rules.toolKeys === 'all' && rules.serverTools === 'all') || !needsLook(body, rules)) return;
  const tools = body.field('tools');
  if (!Array.isArray(tools)) return;
  const removed: string[] = [];
  const stripped = new Set<string>();
  const next: Tool[] = [];
  for (const t of tools as Tool[]) {
    if (!t || typeof t !== 'object') continue;
    if (isServerTool(t)) {
      if (serverToolAccepted(t, rules)) next.push(t);
      else removed.push(String(t.name ?? t.type));
      continue;
    }
    if (rules.toolKeys === 'all') {
      next.push(t);
      continue;
    }
    const keys = rules.toolKeys;
    const kept = Object.fromEntries(Object.entries(t).filter(([k]) => keys.includes(k) || (k === 'type' && t.type === 'custom')));
    for (const k of Object.keys(t)) if (!(k in kept)) stripped.add(k);
    next.push(kept);
  }
  if (removed.length === 0 && stripped.size === 0) return;
  if (next.length === 0) body.deleteField('tools');
  else body.setField('tools', next);
  if (removed.length > 0) notes.push(`removed server tools the provider does not run: ${removed.join(', ')}`);
  if (stripped.size > 0) notes.push(`removed tool keys the provider does not take: ${[...stripped].join(', ')}`);
  const choice = body.field('tool_choice') as { type?: unknown; name?: unknown } | undefined;
  if (next.length === 0 || (choice?.type === 'tool' && removed.includes(String(choice.name)))) {
    if (choice !== undefined) {
      body.deleteField('tool_choice');
      notes.push('removed tool_choice (its tool was removed)');
    }
  }
}
