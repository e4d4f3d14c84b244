/**
 * Shapes the top-level fields of a request to a profile: removes the fields it does not take, maps or
 * removes thinking and effort, caps max_tokens, clamps sampling parameters. Each field is read alone, so
 * the body is never parsed whole for this.
 */
import type { FieldAccess } from './field-edits.js';
import type { ProfileRules, SamplingRange } from './types.js';

/** Smallest thinking budget Anthropic-style APIs take. */
const MIN_BUDGET = 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes the top-level fields the profile does not list. */
export function dropFields(body: FieldAccess, rules: ProfileRules, notes: string[]): void {
  if (rules.fields === 'all') return;
  const allowed = new Set(rules.fields);
  const gone = body.fieldNames().filter((k) => !allowed.has(k));
  for (const k of gone) body.deleteField(k);
  if (gone.length > 0) notes.push(`removed fields the provider does not take: ${gone.join(', ')}`);
}

/** Caps max_tokens at the profile's largest output. */
export function capMaxTokens(body: FieldAccess, rules: ProfileRules, notes: string[]): void {
  const max = body.field('max_tokens');
  if (rules.maxOutputTokens === undefined || typeof max !== 'number' || max <= rules.maxOutputTokens) return;
  body.setField('max_tokens', rules.maxOutputTokens);
  notes.push(`max_tokens ${max} → ${rules.maxOutputTokens} (the provider's largest output)`);
}

/** Keeps a sampling parameter inside its range (an excluded lower bound becomes the nearest accepted value). */
export function clampSampling(body: FieldAccess, key: 'temperature' | 'top_p', range: SamplingRange | 'drop' | undefined, notes: string[]): void {
  const v = body.field(key);
  if (range === undefined || typeof v !== 'number') return;
  if (range === 'drop') {
    body.deleteField(key);
    notes.push(`removed ${key} (the model fixes it)`);
    return;
  }
  const low = range.minExclusive ? range.min + 0.01 : range.min;
  const next = Math.min(range.max, Math.max(low, v));
  if (next === v && !(range.minExclusive && v <= range.min)) return;
  body.setField(key, next);
  notes.push(`${key} ${v} → ${next} (accepted: ${range.minExclusive ? '(' : '['}${range.min}, ${range.max}])`);
}

/** A budget below max_tokens, or undefined when max_tokens leaves no room for one. */
function budgetFor(maxTokens: unknown, wanted: unknown): number | undefined {
  const max = typeof maxTokens === 'number' ? maxTokens : undefined;
  if (max !== undefined && max <= MIN_BUDGET) return undefined;
  const fallback = max !== undefined ? Math.floor(max / 2) : MIN_BUDGET;
  const budget = typeof wanted === 'number' ? wanted : fallback;
  return Math.max(MIN_BUDGET, max !== undefined ? Math.min(budget, max - 1) : budget);
}

/** Maps thinking to what the profile takes; returns the thinking type sent (undefined when none). */
export function shapeThinking(body: FieldAccess, rules: ProfileRules, model: string, notes: string[]): string | undefined {
  const t = body.field('thinking');
  if (t === undefined) return undefined;
  if (rules.thinking === 'keep') return isObj(t) && typeof t.type === 'string' ? t.type : undefined;
  const { types, keys, adaptiveAs, budgetRequired } = rules.thinking;
  const remove = (why: string): undefined => {
    body.deleteField('thinking');
    notes.push(`removed thinking (${why})`);
    return undefined;
  };
  if (!isObj(t) || typeof t.type !== 'string') return remove('not an object with a type');
  if (types.length === 0) return remove(`${model} takes no thinking parameter`);
  let type = t.type;
  if (!types.includes(type)) {
    if (type !== 'adaptive' || !adaptiveAs) return remove(`type ${type} is not accepted`);
    type = adaptiveAs;
  }
  const next: Obj = { type };
  for (const k of keys) if (k !== 'type' && t[k] !== undefined) next[k] = t[k];
  if (type === 'enabled' && (budgetRequired || next.budget_tokens !== undefined)) {
    const budget = budgetFor(body.field('max_tokens'), next.budget_tokens);
    if (budget === undefined) return types.includes('disabled') ? setThinking(body, t, { type: 'disabled' }, notes) : remove('max_tokens leaves no room for a budget');
    next.budget_tokens = budget;
  }
  return setThinking(body, t, next, notes);
}

function setThinking(body: FieldAccess, before: Obj, after: Obj, notes: string[]): string {
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    body.setField('thinking', after);
    notes.push(`thinking ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  }
  return after.type as string;
}

/** Keeps only the output_config keys the profile takes, and effort only with thinking when it must. */
export function shapeOutputConfig(body: FieldAccess, rules: ProfileRules, thinkingType: string | undefined, notes: string[]): void {
  const oc = body.field('output_config');
  if (!isObj(oc) || (!rules.outputConfigKeys && !rules.effortNeedsThinking)) return;
  const next: Obj = {};
  for (const [k, v] of Object.entries(oc)) if (!rules.outputConfigKeys || rules.outputConfigKeys.includes(k)) next[k] = v;
  if (rules.effortNeedsThinking && thinkingType === 'disabled') delete next.effort;
  const gone = Object.keys(oc).filter((k) => !(k in next));
  if (gone.length === 0) return;
  if (Object.keys(next).length === 0) body.deleteField('output_config');
  else body.setField('output_config', next);
  notes.push(`removed output_config.${gone.join(', output_config.')}${rules.effortNeedsThinking && thinkingType === 'disabled' ? ' (no effort with thinking disabled)' : ''}`);
}
