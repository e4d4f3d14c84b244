/** Compiles a JSONata expression once at load, reporting a syntax error at its place in the rule file. */
import jsonata from 'jsonata';
import type { DocPath } from '../config/source.js';
import type { CompileContext } from './compile-context.js';

/** The compiled expression, or undefined after recording the error in `cc`. */
export function compileJsonata(source: string, cc: CompileContext, path: DocPath): jsonata.Expression | undefined {
  try {
    return jsonata(source);
  } catch (err) {
    const e = err as { message?: string; position?: number };
    cc.error(path, `invalid JSONata: ${e.message ?? String(err)}${e.position !== undefined ? ` at character ${e.position}` : ''}`);
    return undefined;
  }
}
