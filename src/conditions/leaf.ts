/** Helpers shared by the leaf conditions: a synchronous condition with one trace line, and short quoting. */
import type { StickyScope } from '../config/types.js';
import type { RequestContext } from '../pipeline/context.js';
import type { Condition, TraceLine } from '../plan/types.js';

const NO_SCOPES: ReadonlySet<StickyScope> = new Set();

/**
 * Builds a synchronous condition. `detail` says what was seen, for explanations only: it runs when a trace
 * is asked for, never on the request path.
 */
export function leaf(describe: string, test: (ctx: RequestContext) => boolean, detail?: (ctx: RequestContext) => string, scopes = NO_SCOPES): Condition {
  return {
    describe,
    scopes,
    test(ctx, trace?: TraceLine[], depth = 0) {
      const ok = test(ctx);
      if (trace) trace.push({ depth, text: detail ? `${describe} (${detail(ctx)})` : describe, result: ok });
      return ok;
    },
  };
}

/** A value quoted for an explanation, cut at `max` characters; `none` when absent. */
export function quote(s: string | undefined, max = 60): string {
  if (s === undefined) return 'none';
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** JSON Schema of a text match object (equals / prefix / regex with trim and ignore_case). */
export function textMatchSchema(description: string): Record<string, unknown> {
  return {
    description,
    type: 'object',
    additionalProperties: false,
    properties: {
      equals: { type: 'string', description: 'The whole value equals this string.' },
      prefix: { type: 'string', description: 'The value starts with this string.' },
      regex: {
        type: 'string',
        description: 'A JavaScript regular expression (no slashes) tested against the value, on a linear-time engine: no backreferences or lookarounds.',
        examples: ['^mmexec(\\s|$)'],
      },
      trim: { type: 'boolean', default: false, description: 'Ignore leading and trailing whitespace of the value.' },
      ignore_case: { type: 'boolean', default: false, description: 'Compare case-insensitively.' },
    },
    oneOf: [{ required: ['equals'] }, { required: ['prefix'] }, { required: ['regex'] }],
  };
}
