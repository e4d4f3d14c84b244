/** The registry of named transforms. Adding a transform is one file and one line here. */
import { Ajv, type ValidateFunction } from 'ajv';
import type { TransformRef } from '../config/types.js';
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import type { StageOf, StagePhase } from '../pipeline/stage.js';
import { dropReplyLeftovers } from './drop-reply-leftovers.js';
import { stripEarlierTriggers } from './strip-earlier-triggers.js';
import { jsonataTransform } from './jsonata-transform.js';
import { minimaxErrorRemap } from './minimax-error-remap.js';
import { minimaxThinkingToText } from './minimax-thinking-to-text.js';
import { restoreModel } from './restore-model.js';
import { dropFields, setFields, setModel, stripTrigger } from './simple-request.js';
import type { TransformDefinition } from './transform.js';

/** Every built-in transform by name. */
export const TRANSFORMS: ReadonlyMap<string, TransformDefinition> = new Map(
  [stripTrigger, setModel, dropFields, setFields, dropReplyLeftovers, stripEarlierTriggers, jsonataTransform, minimaxThinkingToText, restoreModel, minimaxErrorRemap].map((t) => [t.name, t]),
);

const ajv = new Ajv({ allErrors: true, strict: false });
const paramValidators = new Map<string, ValidateFunction>();

function checkParams(def: TransformDefinition, params: unknown): string | undefined {
  if (!def.paramsSchema) return params === undefined ? undefined : `transform "${def.name}" takes no parameters`;
  if (params === undefined && def.paramsOptional) return undefined;
  let v = paramValidators.get(def.name);
  if (!v) paramValidators.set(def.name, (v = ajv.compile(def.paramsSchema)));
  if (v(params)) return undefined;
  return `invalid parameters for "${def.name}": ${ajv.errorsText(v.errors, { dataVar: 'params' })}`;
}

/** Compiles a list of transform references of one phase into stages; errors go to `cc`. */
export function compileTransforms<P extends StagePhase>(refs: readonly TransformRef[] | undefined, phase: P, cc: CompileContext, path: DocPath): StageOf<P>[] {
  const stages: StageOf<P>[] = [];
  (refs ?? []).forEach((ref, i) => {
    const [name, params] = typeof ref === 'string' ? [ref, undefined] : (Object.entries(ref)[0] ?? ['', undefined]);
    const at = [...path, i];
    const def = TRANSFORMS.get(name);
    if (!def) {
      const known = [...TRANSFORMS.values()].filter((t) => t.phase === phase).map((t) => t.name);
      return cc.error(at, `unknown ${phase} transform "${name}" (known: ${known.join(', ')})`);
    }
    if (def.phase !== phase) return cc.error(at, `"${name}" is a ${def.phase} transform, not a ${phase} transform`);
    const problem = checkParams(def, params);
    if (problem) return cc.error(at, problem);
    // The phase was checked above, so the stage is of the phase asked for.
    const stage = def.compile(params, cc, at) as StageOf<P> | undefined;
    if (stage) stages.push(stage);
  });
  return stages;
}
