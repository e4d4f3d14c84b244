/** Reads the captured Claude Code request bodies of test/fixtures/claude-code (origin in its README.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Claude Code release whose captures the replay tests use. */
export const CAPTURED_RELEASE = '2.1.118';

/** The names of the captured bodies of that release. */
export const CAPTURED_BODIES = ['first-turn-to-minimax', 'after-trigger-to-anthropic', 'second-turn-to-anthropic'] as const;

/** One captured body name. */
export type CapturedBody = (typeof CAPTURED_BODIES)[number];

/** The absolute path of a captured body. */
export function capturedBodyPath(name: CapturedBody, release: string = CAPTURED_RELEASE): string {
  return fileURLToPath(new URL(`../fixtures/claude-code/${release}/${name}.json`, import.meta.url));
}

/** The exact bytes of a captured body. */
export function capturedBody(name: CapturedBody, release: string = CAPTURED_RELEASE): Buffer {
  return readFileSync(capturedBodyPath(name, release));
}
