/** The `jsonata` condition: an expression over the request body, compiled once, truthy = holds. */
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import { GatewayError } from '../errors.js';
import { compileJsonata } from '../jsonata/compile-jsonata.js';
import type { Condition, TraceLine } from '../plan/types.js';
import type { ConditionDefinition } from './condition.js';

const EMPTY = new Uint8Array(0);

/**
 * Compiles a JSONata predicate; syntax errors are recorded with the expression's position. An evaluation
 * error makes the condition false; an evaluation stopped by a limit fails the request (so a body cannot
 * turn a condition off by making it slow).
 */
function compileJsonataCondition(expr: string, cc: CompileContext, path: DocPath): Condition | undefined {
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
        ok = (await compiled.evaluate(ctx.payload ? ctx.outgoingBody() : EMPTY, 'truth', ctx.services.recorder)).truthy;
      } catch (err) {
        if (err instanceof GatewayError) throw err;
        detail = ` (error: ${(err as Error).message})`;
      }
      trace?.push({ depth, text: describe + detail, result: ok });
      return ok;
    },
  };
}

/** `jsonata: "<expression>"`. */
export const jsonataCondition: ConditionDefinition = {
  name: 'jsonata',
  description: 'A JSONata predicate over the request body holds (its result is truthy); compiled and tried on a sample request at load.',
  paramsSchema: {
    type: 'string',
    description: 'A JSONata expression over the request body; holds when the result is truthy. Compiled once at load.',
    examples: ['$count(tools) > 10', 'max_tokens > 32000'],
  },
  compile: (params, cc, path) => compileJsonataCondition(params as string, cc, path),
};
