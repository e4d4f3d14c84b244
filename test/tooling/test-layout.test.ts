/**
 * The layout of test/ (README, "Testing"): unit tests mirror src/, scenario suites sit in named folders,
 * helpers shared by two folders live in test/support.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { importSpecifiers, resolveSpecifier, tsFiles } from '../support/import-scan.js';
import { ROOT } from '../support/run-cli.js';

/** Folders of test/ that hold tests directly, besides test/unit and test/scenarios. */
const FLAT_TEST_FOLDERS = ['test/tooling', 'test/fakes', 'test/bench'];

const TEST_FILES = tsFiles(ROOT, 'test').filter((f) => f.endsWith('.test.ts'));
const HELPERS = tsFiles(ROOT, 'test').filter((f) => !f.endsWith('.test.ts'));

/** Why a test file is out of place, or undefined when it is where the layout says. */
function misplaced(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[1] === 'unit') {
    const src = parts.length === 3 ? `src/${parts[2]!.replace(/\.test\.ts$/, '.ts')}` : `src/${parts[2]}`;
    return existsSync(join(ROOT, src)) ? undefined : `test/unit/${parts[2]} mirrors no ${src}`;
  }
  if (parts[1] === 'scenarios') return parts.length >= 4 ? undefined : 'a scenario test sits in a named suite folder';
  return FLAT_TEST_FOLDERS.includes(dirname(file)) ? undefined : 'tests live in test/unit, test/scenarios, or ' + FLAT_TEST_FOLDERS.join(', ');
}

/** The suite folder a test file belongs to: test/unit/<x>, test/scenarios/<x>, or its own folder. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[1] === 'unit' || parts[1] === 'scenarios' ? parts.slice(0, 3).join('/') : dirname(file);
}

describe('test layout', () => {
  it('finds the test files the npm test script runs', () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.test;
    assert.match(script ?? '', /find test -name '\*\.test\.ts' -not -path '\*\/node_modules\/\*'/);
    assert.ok(TEST_FILES.length > 50, `only ${TEST_FILES.length} test files found`);
  });

  it('puts every test file in test/unit/<src folder>, test/scenarios/<suite> or a flat test folder', () => {
    const wrong = TEST_FILES.map((f) => [f, misplaced(f)]).filter(([, why]) => why !== undefined);
    assert.deepEqual(wrong, []);
  });

  it('keeps helpers used by more than one folder in test/support', () => {
    const users = new Map<string, Set<string>>();
    for (const file of tsFiles(ROOT, 'test')) {
      for (const spec of importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = resolveSpecifier(ROOT, file, spec);
        if (target === undefined || !target.startsWith('test/')) continue;
        users.set(target, (users.get(target) ?? new Set()).add(folderOf(file)));
      }
    }
    const wrong = HELPERS.filter((h) => !h.startsWith('test/support/'))
      .filter((h) => [...(users.get(h) ?? [])].some((folder) => folder !== folderOf(h)))
      .map((h) => `${h} is used by ${[...users.get(h)!].join(', ')}`);
    assert.deepEqual(wrong, []);
  });

  it('holds no tests in test/support', () => {
    assert.deepEqual(TEST_FILES.filter((f) => f.startsWith('test/support/')), []);
  });
});
