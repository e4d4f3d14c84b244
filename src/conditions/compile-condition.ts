/** Compiles a `when` condition: leaf keys combine with AND; all / any / not nest. */
import type { ConditionConfig, StickyScope } from '../config/types.js';
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import type { Condition, MaybePromise, TraceLine } from '../plan/types.js';
import { CONDITIONS } from './registry.js';

/** The keys that combine conditions, with their schemas (`definitions.condition.properties`) and descriptions. */
export const COMBINATORS: ReadonlyArray<{ name: 'all' | 'any' | 'not'; description: string; paramsSchema: object }> = [
  { name: 'all', description: 'Every condition of a list holds.', paramsSchema: { type: 'array', items: { $ref: '#/definitions/condition' }, description: 'Every condition holds.' } },
  { name: 'any', description: 'At least one condition of a list holds.', paramsSchema: { type: 'array', items: { $ref: '#/definitions/condition' }, minItems: 1, description: 'At least one condition holds.' } },
  { name: 'not', description: 'The condition does not hold.', paramsSchema: { $ref: '#/definitions/condition', description: 'The condition does not hold.' } },
];

const ALWAYS: Condition = {
  describe: 'always',
  scopes: new Set(),
  test: (_ctx, trace, depth = 0) => {
    trace?.push({ depth, text: 'no condition: always', result: true });
    return true;
  },
};

/** Compiles a condition (undefined = always holds). Errors are recorded in `cc`. */
export function compileCondition(cfg: ConditionConfig | undefined, cc: CompileContext, path: DocPath, negated = false): Condition {
  if (!cfg) return ALWAYS;
  const parts: Condition[] = [];
  for (const [key, params] of Object.entries(cfg)) {
    const at = [...path, key];
    let c: Condition | undefined;
    if (key === 'all' || key === 'any') {
      const children = (params as ConditionConfig[]).map((child, i) => compileCondition(child, cc, [...at, i], negated));
      c = combine(key, children);
    } else if (key === 'not') {
      c = negate(compileCondition(params as ConditionConfig, cc, at, !negated));
    } else {
      const def = CONDITIONS.get(key);
      c = def ? def.compile(params, cc, at, negated) : void cc.error(at, `unknown condition "${key}" (known: ${[...CONDITIONS.keys(), 'all', 'any', 'not'].join(', ')})`);
    }
    if (c) parts.push(c);
  }
  if (parts.length === 0) return ALWAYS;
  return parts.length === 1 ? parts[0]! : combine('all', parts);
}

function unionScopes(children: Condition[]): ReadonlySet<StickyScope> {
  const s = new Set<StickyScope>();
  for (const c of children) for (const x of c.scopes) s.add(x);
  return s;
}

/** all / any over children; stays synchronous until a child answers with a promise. */
function combine(kind: 'all' | 'any', children: Condition[]): Condition {
  const stopOn = kind === 'any';
  return {
    describe: `${kind} of ${children.length}`,
    scopes: unionScopes(children),
    test(ctx, trace?: TraceLine[], depth = 0): MaybePromise<boolean> {
      const line: TraceLine | undefined = trace ? { depth, text: kind === 'all' ? 'all of' : 'any of', result: false } : undefined;
      if (line) trace!.push(line);
      const finish = (ok: boolean): boolean => {
        if (line) line.result = ok;
        return ok;
      };
      for (let i = 0; i < children.length; i++) {
        const r = children[i]!.test(ctx, trace, depth + 1);
        if (r instanceof Promise) return continueAsync(r, i);
        if (r === stopOn) return finish(stopOn);
      }
      return finish(!stopOn);

      async function continueAsync(first: Promise<boolean>, from: number): Promise<boolean> {
        if ((await first) === stopOn) return finish(stopOn);
        for (let i = from + 1; i < children.length; i++) {
          if ((await children[i]!.test(ctx, trace, depth + 1)) === stopOn) return finish(stopOn);
        }
        return finish(!stopOn);
      }
    },
  };
}

function negate(inner: Condition): Condition {
  return {
    describe: `not ${inner.describe}`,
    scopes: inner.scopes,
    test(ctx, trace?: TraceLine[], depth = 0) {
      const line: TraceLine | undefined = trace ? { depth, text: 'not', result: false } : undefined;
      if (line) trace!.push(line);
      const r = inner.test(ctx, trace, depth + 1);
      if (r instanceof Promise) return r.then((v) => ((line && (line.result = !v)), !v));
      if (line) line.result = !r;
      return !r;
    },
  };
}
