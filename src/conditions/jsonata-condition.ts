/** The `jsonata` condition: an expression over the request body, compiled once, truthy = holds. */
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import { compileJsonata } from '../plan/compile-jsonata.js';
import type { Condition, TraceLine } from '../plan/types.js';

/** Compiles a JSONata predicate; syntax errors are recorded with the expression's position. */
export function compileJsonataCondition(expr: string, cc: CompileContext, path: DocPath): Condition | undefined {
  const compiled = compileJsonata(expr, cc, path);
  if (!compiled) return undefined;
  const describe = `jsonata ${JSON.stringify(expr.length > 60 ? `${expr.slice(0, 60)}…` : expr)}`;
  return {
    describe,
    scopes: new Set(),
    async test(ctx, trace?: TraceLine[], depth = 0) {
      let ok = false;
      let detail = '';
      try {
        ok = Boolean(await compiled.evaluate(ctx.body ?? {}));
      } catch (err) {
        detail = ` (error: ${(err as Error).message})`;
      }
      trace?.push({ depth, text: describe + detail, result: ok });
      return ok;
    },
  };
}
