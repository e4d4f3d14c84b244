/**
 * Runs a TypeScript snippet in a child process killed after a deadline, for checks whose failure mode is a
 * frozen event loop (which would otherwise hang the test itself). The snippet prints one JSON line last.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/** Runs `script` (an ES module, imports relative to the repository root) and returns its last JSON line. */
export function runIsolated<T>(script: string, timeoutMs = 15_000): T {
  if (process.env.MMEXEC_DUMP_ISOLATED) writeFileSync(process.env.MMEXEC_DUMP_ISOLATED, script);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: timeoutMs, encoding: 'utf8', cwd: process.cwd() });
  assert.equal(r.signal, null, `the check did not finish within ${timeoutMs / 1000} s (${r.signal}): the event loop was held`);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}
