/** The `jsonata` request transform: an expression mapping the request body to a new body. */
import { compileJsonata } from '../jsonata/compile-jsonata.js';
import { GatewayError } from '../errors.js';
import type { TransformDefinition } from './transform.js';

/** `- jsonata: '<expression>'` or `- jsonata: { expression: '<expression>' }`. */
export const jsonataTransform: TransformDefinition = {
  name: 'jsonata',
  phase: 'request',
  description: 'Replaces the body with the result of a JSONata expression over it (compiled once).',
  paramsSchema: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'object', additionalProperties: false, required: ['expression'], properties: { expression: { type: 'string', minLength: 1 } } }] },
  compile: (params, cc, path) => {
    const source = typeof params === 'string' ? params : (params as { expression: string }).expression;
    const expr = compileJsonata(source, cc, path, 'object');
    if (!expr) return undefined;
    return {
      name: 'jsonata',
      async onRequest(ctx) {
        if (!ctx.payload) return;
        let result: unknown;
        try {
          const { json } = await expr.evaluate(ctx.outgoingBody(), 'value', ctx.services.recorder);
          result = json === undefined ? undefined : JSON.parse(json);
        } catch (err) {
          if (err instanceof GatewayError) throw err;
          throw new GatewayError('transform_failed', `jsonata transform failed: ${(err as Error).message}`);
        }
        if (!result || typeof result !== 'object' || Array.isArray(result)) {
          throw new GatewayError('transform_failed', 'jsonata transform must produce a JSON object');
        }
        // A copy: the result may be the body itself ("$").
        ctx.payload?.replaceWith({ ...(result as Record<string, unknown>) });
      },
    };
  },
};
