/** Loads and compiles rule file text written to a fresh temporary directory, for tests of the compile step. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, formatIssue } from '../../src/errors.js';
import { compilePlan, type CompileResult } from '../../src/plan/compile.js';

/** Writes `text` as mmexec.yaml in a new temporary directory and returns its path. */
export function writeRules(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-rules-'));
  const file = join(dir, 'mmexec.yaml');
  writeFileSync(file, text);
  return file;
}

/** Compiles `text`; throws what compiling throws. */
export function compileRules(text: string, env: NodeJS.ProcessEnv = {}): CompileResult {
  return compilePlan(loadConfig(writeRules(text), { env }), env);
}

/** The formatted issues of compiling `text` (file names cut to their last part); empty when it compiles. */
export function ruleProblems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    compileRules(text, env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => formatIssue({ ...i, file: i.file.split('/').pop()! }));
  }
}
