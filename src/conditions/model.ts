/** The `model` condition: the model the client asked for matches a glob or a regex. */
import { compileGlob } from '../match/glob.js';
import { compileRegex, MAX_MODEL_NAME } from '../match/text-match.js';
import type { ConditionDefinition } from './condition.js';
import { leaf, quote } from './leaf.js';

/** `model: "claude-haiku-*"`, `model: { glob }` or `model: { regex }`. */
export const model: ConditionDefinition = {
  name: 'model',
  description: 'The model the client asked for matches a glob (`*` and `?`; a string or `{glob}`) or `{regex}`.',
  paramsSchema: {
    description: 'The model the client asked for: a glob (* and ?) or a match object with glob or regex.',
    examples: ['claude-haiku-*', { regex: '^claude-(opus|sonnet)' }],
    type: ['string', 'object'],
    if: { type: 'object' },
    then: {
      additionalProperties: false,
      properties: {
        glob: { type: 'string', description: 'A glob: * matches any run of characters, ? one character.' },
        regex: { type: 'string', description: 'A JavaScript regular expression (no slashes), on a linear-time engine.' },
      },
      oneOf: [{ required: ['glob'] }, { required: ['regex'] }],
    },
  },
  compile(params, cc, path) {
    const cfg = typeof params === 'string' ? { glob: params } : (params as { glob?: string; regex?: string });
    const re = cfg.glob !== undefined ? compileGlob(cfg.glob) : compileRegex(cfg.regex ?? '');
    if (typeof re === 'string') return void cc.error([...path, 'regex'], re);
    return leaf(
      `model ${cfg.glob ?? `/${cfg.regex}/`}`,
      (ctx) => {
        const m = ctx.requestedModel;
        return m !== undefined && m.length <= MAX_MODEL_NAME && re.test(m);
      },
      (ctx) => quote(ctx.requestedModel),
    );
  },
};
