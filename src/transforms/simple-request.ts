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
      const payload = ctx.payload;
      if (!t || !payload) return;
      if (payload.isParsed) {
        replaceAt((payload.json.messages as Message[])[t.at.message]!, t.at, stripped(t));
        ctx.markChanged();
        return;
      }
      // Only one message changes: edit it alone and splice it back, leaving the rest unparsed.
      const message = structuredClone(payload.message(t.at.message));
      if (!message) return;
      replaceAt(message, t.at, stripped(t));
      payload.replaceElements(new Map([[t.at.message, message]]));
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
        if (!ctx.body) return;
        for (const p of paths) {
          let obj: Record<string, unknown> | undefined = ctx.body;
          for (const key of p.slice(0, -1)) {
            const next: unknown = obj?.[key];
            obj = next && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
          }
          const last = p[p.length - 1]!;
          if (obj && last in obj) {
            delete obj[last];
            ctx.markChanged();
          }
        }
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
        if (!ctx.body) return;
        for (const [p, value] of entries) {
          let obj: Record<string, unknown> = ctx.body;
          for (const key of p.slice(0, -1)) {
            const next = obj[key];
            if (!next || typeof next !== 'object' || Array.isArray(next)) obj[key] = {};
            obj = obj[key] as Record<string, unknown>;
          }
          obj[p[p.length - 1]!] = structuredClone(value);
        }
        ctx.markChanged();
      },
    };
  },
};
