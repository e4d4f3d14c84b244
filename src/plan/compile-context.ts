/** Collects compile errors with their positions instead of stopping at the first one. */
import type { ConfigIssue } from '../errors.js';
import type { LoadedConfig } from '../config/load.js';
import type { DocPath } from '../config/source.js';

/** Created per compile; shared by the condition and transform compilers. */
export class CompileContext {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  private readonly endChecks: Array<() => void> = [];
  constructor(readonly loaded: LoadedConfig) {}

  /** Runs `check` once everything is compiled, before the errors are reported (e.g. a batch trial run). */
  atEnd(check: () => void): void {
    this.endChecks.push(check);
  }

  /** Runs the checks given to `atEnd`, in order. */
  runEndChecks(): void {
    for (const check of this.endChecks.splice(0)) check();
  }

  /** Records an error at `path` of the merged config. */
  error(path: DocPath, message: string): void {
    this.issues.push(this.loaded.issueAt(path, message));
  }

  /** Records a warning (logged at load, does not stop it). */
  warn(path: DocPath, message: string): void {
    this.warnings.push(this.loaded.issueAt(path, message));
  }
}
