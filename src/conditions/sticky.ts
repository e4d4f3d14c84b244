/** The `sticky` condition: the sticky state of a scope is set, unset, or a given value. */
import type { StickyScope } from '../config/types.js';
import type { ConditionDefinition } from './condition.js';
import { leaf, quote } from './leaf.js';

interface StickyTest {
  scope?: StickyScope;
  equals?: string;
  set?: boolean;
}

function configOf(params: unknown): StickyTest {
  if (typeof params === 'object' && params !== null) return params as StickyTest;
  return typeof params === 'string' ? { equals: params } : { set: params as boolean };
}

/** `sticky: minimax`, `sticky: true | false`, or `sticky: { scope, equals | set }`. */
export const sticky: ConditionDefinition = {
  name: 'sticky',
  description: 'The sticky state: a value it equals, `true` (any is set) / `false` (none is), or `{scope, equals}` / `{scope, set}` for the `client` or `global` scope (default `session`).',
  paramsSchema: {
    description: 'The sticky state of a scope. A string: the state equals it; true: any state is set; false: none is set; or an object with scope.',
    examples: ['minimax', false, { scope: 'client', equals: 'minimax' }],
    type: ['string', 'boolean', 'object'],
    if: { type: 'object' },
    then: {
      additionalProperties: false,
      properties: {
        scope: { $ref: '#/definitions/scope' },
        equals: { type: 'string', description: 'The state equals this value.' },
        set: { type: 'boolean', description: 'true (the default without equals): any state is set; false: none is.' },
      },
    },
  },
  compile(params, cc, path) {
    const cfg = configOf(params);
    if (cfg.equals !== undefined && cfg.set !== undefined) return void cc.error(path, 'sticky takes equals or set, not both');
    const scope = cfg.scope ?? 'session';
    const describe = cfg.equals !== undefined ? `sticky(${scope}) is ${quote(cfg.equals)}` : `sticky(${scope}) is ${cfg.set === false ? 'unset' : 'set'}`;
    return leaf(
      describe,
      (ctx) => {
        const value = ctx.sticky[scope];
        return cfg.equals !== undefined ? value === cfg.equals : (value !== undefined) === (cfg.set ?? true);
      },
      (ctx) => `state ${quote(ctx.sticky[scope])}`,
      new Set([scope]),
    );
  },
};
