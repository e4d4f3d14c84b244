/** Request transforms that edit the body directly: strip-trigger, set-model, drop-fields, set-fields. */
import type { TriggerMatch } from '../pipeline/context.js';
import type { Message } from '../pipeline/messages.js';
import { replaceAt } from '../pipeline/user-text.js';
import type { TransformDefinition, TransformOf } from './transform.js';

/**
 * The string at the trigger's place once the matched text (and the whitespace after it) is removed from
 * the user's words. Claude Code's wrapper around the words stays; a string left empty keeps the word.
 */
export function stripped(t: TriggerMatch): string {
  const { text, start: from, end: to } = t.at;
  const rest = (text.slice(from, t.start) + text.slice(t.end, to).replace(/^\s+/, '')).replace(/^\s+$/, '');
  const whole = text.slice(0, from) + rest + text.slice(to);
  return whole.trim().length > 0 ? whole : text.slice(t.start, t.end).trim();
}

/** Removes the text matched by the route's last_user_text condition, where it was found. */
export const stripTrigger: TransformOf<'request'> = {
  name: 'strip-trigger',
  phase: 'request',
  description: "Removes the trigger text matched by last_user_text from the user's words, where they were found.",
  compile: () => ({
    name: 'strip-trigger',
    onRequest(ctx) {
      const t = ctx.trigger;
      if (t) ctx.payload?.editUserText(t.at, stripped(t));
    },
  }),
};

/** Sets the model field. */
export const setModel: TransformOf<'request'> = {
  name: 'set-model',
  phase: 'request',
  description: 'Sets the model sent upstream.',
  paramsSchema: { type: 'object', additionalProperties: false, required: ['model'], properties: { model: { type: 'string', minLength: 1 } } },
  compile: (params) => {
    const model = (params as { model: string }).model;
    return {
      name: 'set-model',
      onRequest(ctx) {
        if (!ctx.payload || ctx.field('model') === model) return;
        ctx.setField('model', model);
      },
    };
  },
};

function splitPath(path: string): string[] {
  return path.split('.').filter(Boolean);
}

/** Removes top-level or dotted fields of the body. */
export const dropFields: TransformDefinition = {
  name: 'drop-fields',
  phase: 'request',
  description: 'Removes fields (dotted paths such as metadata.user_id) from the body.',
  paramsSchema: { type: 'object', additionalProperties: false, required: ['fields'], properties: { fields: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } } },
  compile: (params) => {
    const paths = (params as { fields: string[] }).fields.map(splitPath);
    return {
      name: 'drop-fields',
      onRequest(ctx) {
        for (const p of paths) ctx.payload?.deletePath(p);
      },
    };
  },
};

/** Sets fields (dotted paths) to fixed JSON values. */
export const setFields: TransformDefinition = {
  name: 'set-fields',
  phase: 'request',
  description: 'Sets fields (dotted paths) of the body to fixed values.',
  paramsSchema: { type: 'object', additionalProperties: false, required: ['fields'], properties: { fields: { type: 'object', minProperties: 1 } } },
  compile: (params) => {
    const entries = Object.entries((params as { fields: Record<string, unknown> }).fields).map(([k, v]) => [splitPath(k), v] as const);
    return {
      name: 'set-fields',
      onRequest(ctx) {
        for (const [p, value] of entries) ctx.payload?.setPath(p, structuredClone(value));
      },
    };
  },
};
