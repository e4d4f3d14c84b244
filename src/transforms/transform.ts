/** What a named transform is: a self-describing part with a parameter schema and a compile step. */
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import type { StageOf, StagePhase } from '../pipeline/stage.js';

/** A named transform of one phase in the registry. */
export interface TransformOf<P extends StagePhase> {
  readonly name: string;
  /** Request transforms change the body before it is sent; response transforms change the answer. */
  readonly phase: P;
  readonly description: string;
  /** JSON Schema of the parameters (checked at load). Absent: the transform takes none. */
  readonly paramsSchema?: object;
  /** The parameters may be left out altogether (the transform then uses its defaults). */
  readonly paramsOptional?: boolean;
  /** Builds the stage once per plan. Errors go to `cc` at `path`. */
  compile(params: unknown, cc: CompileContext, path: DocPath): StageOf<P> | undefined;
}

/** A named transform in the registry, of either phase. */
export type TransformDefinition = TransformOf<'request'> | TransformOf<'response'>;
