/**
 * Shared helpers of the metrics tests: fixture loading, a minimal SSE splitter and external-binary lookup.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

/** One SSE event as the core's reader would hand it over: the event name and its raw data text. */
export interface SseEvent {
  event: string;
  data: string;
}

/** Reads a fixture file from test/fixtures/metrics. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/metrics/${name}`, import.meta.url), 'utf8');
}

/** Splits SSE text into events (test-only: assumes the whole stream is in memory). */
export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\n+/)) {
    let event = '';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event || data.length) out.push({ event, data: data.join('\n') });
  }
  return out;
}

/** Asserts two USD amounts are equal up to floating-point rounding. */
export function assertUsd(actual: number, expected: number, what = 'cost'): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

/** Finds an executable: the path in env NAME (e.g. PROMTOOL) when set, else on PATH, then /usr/bin; or undefined. */
export function findBinary(name: string): string | undefined {
  const override = process.env[name.toUpperCase()];
  if (override !== undefined) return isExecutable(override) ? override : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'].filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the binary's path; when it is missing, fails the test under CI and otherwise skips it with a
 * visible reason (returning undefined).
 */
export function requireBinary(t: TestContext, name: string): string | undefined {
  const file = findBinary(name);
  if (file) return file;
  const reason = `${name} not found (PATH, /usr/bin or $${name.toUpperCase()}); this test fails instead of skipping when CI is set`;
  if (process.env.CI) assert.fail(reason);
  t.skip(reason);
  return undefined;
}
