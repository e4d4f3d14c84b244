/** The `stream` condition: whether the request asks for a streamed answer. */
import type { ConditionDefinition } from './condition.js';
import { leaf } from './leaf.js';

/** `stream: true` or `stream: false`. */
export const stream: ConditionDefinition = {
  name: 'stream',
  description: 'The request asks (`true`) or does not ask (`false`) for a streamed answer (body field `stream`).',
  paramsSchema: { type: 'boolean', description: 'The request asks for a streamed answer (body field stream).' },
  compile(params) {
    return leaf(`stream is ${String(params)}`, (ctx) => (ctx.field('stream') === true) === params);
  },
};
