/** The `path` condition: the request path without its query string. */
import type { TextMatchConfig } from '../config/types.js';
import { compileTextMatch } from '../match/text-match.js';
import type { ConditionDefinition } from './condition.js';
import { leaf, textMatchSchema } from './leaf.js';

/** `path: /v1/messages` or `path: { equals | prefix | regex }`. */
export const pathCondition: ConditionDefinition = {
  name: 'path',
  description: 'The request path without the query string: an exact path, or a match object (`equals` / `prefix` / `regex`).',
  paramsSchema: {
    description: 'The request path without the query string: an exact path, or a match object.',
    examples: ['/v1/messages'],
    type: ['string', 'object'],
    if: { type: 'object' },
    then: textMatchSchema('How to match the request path. Give exactly one of equals, prefix or regex.'),
  },
  compile(params, cc, path) {
    const cfg: TextMatchConfig = typeof params === 'string' ? { equals: params } : (params as TextMatchConfig);
    const match = compileTextMatch(cfg);
    if (typeof match === 'string') return void cc.error([...path, 'regex'], match);
    return leaf(`path ${cfg.equals ?? cfg.prefix ?? `/${cfg.regex}/`}`, (ctx) => match(ctx.path) !== undefined, (ctx) => ctx.path);
  },
};
