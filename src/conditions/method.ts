/** The `method` condition: the HTTP method is one of those listed. */
import type { ConditionDefinition } from './condition.js';
import { leaf } from './leaf.js';

/** `method: POST` or `method: [GET, HEAD]`, compared case-insensitively. */
export const method: ConditionDefinition = {
  name: 'method',
  description: 'The HTTP method is the one given or one of a list (case-insensitive).',
  paramsSchema: {
    description: 'HTTP method(s), compared case-insensitively.',
    examples: ['POST', ['GET', 'HEAD']],
    type: ['string', 'array'],
    items: { type: 'string' },
    minItems: 1,
  },
  compile(params) {
    const list = (Array.isArray(params) ? (params as string[]) : [params as string]).map((m) => m.toUpperCase());
    const set = new Set(list);
    return leaf(`method ${list.join('|')}`, (ctx) => set.has(ctx.method), (ctx) => ctx.method);
  },
};
