/** What a named condition is: a self-describing `when` key with a parameter schema and a compile step. */
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import type { Condition } from '../plan/types.js';

/** A named condition in the registry (one `when` key). */
export interface ConditionDefinition {
  /** The key in `when`, e.g. `last_user_text`. */
  readonly name: string;
  /** What the condition tests, in Markdown, for the README and the rule reference. */
  readonly description: string;
  /**
   * JSON Schema of the key's value. It becomes `definitions.condition.properties.<name>` of the rule file
   * schema (`npm run docs`), so it is checked at load before `compile` runs; `#/definitions/...` references
   * that schema.
   */
  readonly paramsSchema: object;
  /**
   * Builds the test once per plan. Errors go to `cc` at `path` (then it returns undefined). `negated`: the
   * condition sits under an odd number of `not`s (a match there must not mark a trigger).
   */
  compile(params: unknown, cc: CompileContext, path: DocPath, negated: boolean): Condition | undefined;
}
