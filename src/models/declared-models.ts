/** Compiles the `models` a configuration declares into the model objects GET /v1/models answers with. */
import type { ModelConfig } from '../config/types.js';
import type { CompileContext } from '../plan/compile-context.js';

/** A model in Anthropic's list format, plus the description Claude Code's picker shows. */
export interface ModelObject {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  readonly created_at: string;
  readonly description?: string;
}

/**
 * Claude Code's /model picker keeps only ids matching this (2.1.332: `/(claude|anthropic)/i` on each
 * discovered id; read from the shipped CLI).
 */
export const PICKER_FILTER = /(claude|anthropic)/i;

/** Declared models carry no release date; a fixed one keeps answers stable. */
const CREATED_AT = '1970-01-01T00:00:00Z';

/** The model objects, in the order declared. Records an error for an id the picker would drop, or a repeated one. */
export function compileModels(models: readonly ModelConfig[] | undefined, cc: CompileContext): ModelObject[] {
  const seen = new Map<string, number>();
  const out: ModelObject[] = [];
  (models ?? []).forEach((m, i) => {
    const path = ['models', i, 'id'];
    if (!PICKER_FILTER.test(m.id)) cc.error(path, `model id "${m.id}" would not be listed: Claude Code's /model picker only keeps ids containing "claude" or "anthropic"`);
    const before = seen.get(m.id);
    if (before !== undefined) cc.error(path, `duplicate model id "${m.id}" (also models[${before}])`);
    seen.set(m.id, i);
    const model: ModelObject = { type: 'model', id: m.id, display_name: m.display_name ?? m.id, created_at: CREATED_AT };
    out.push(m.description === undefined ? model : { ...model, description: m.description });
  });
  return out;
}
