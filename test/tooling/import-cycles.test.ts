/**
 * src/ has no import cycles, type-only imports included: shared types live in modules that import nothing
 * back. The scanner that reads the imports is checked on its own and against TypeScript's pre-processor.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { importCycles, importGraph, importSpecifiers, tsFiles } from '../support/import-scan.js';
import { ROOT } from '../support/run-cli.js';

describe('import scanner', () => {
  const cases: Array<[string, string, string[]]> = [
    ['a default and named import', "import a, { b } from './a.js';", ['./a.js']],
    ['a type-only import', "import type { Plan } from '../plan/types.js';", ['../plan/types.js']],
    ['an inline type import across lines', "import {\n  type A,\n  b,\n} from './b.js';", ['./b.js']],
    ['a namespace import', "import * as ns from 'node:fs';", ['node:fs']],
    ['a side-effect import', "import './setup.js';", ['./setup.js']],
    ['re-exports, type-only and star', "export { a } from './a.js';\nexport type { T } from './t.js';\nexport * from './all.js';\nexport * as n from './n.js';", ['./a.js', './t.js', './all.js', './n.js']],
    ['a dynamic import', "const m = await import('./lazy.js');", ['./lazy.js']],
    ['a module augmentation', "declare module './stage.js' {\n  interface A extends B {}\n}", ['./stage.js']],
    ['nothing in comments', "// import a from './no.js';\n/* export * from './no2.js'; */\nimport b from './yes.js';", ['./yes.js']],
    ['nothing in strings', "const s = \"import a from './no.js'\";\nconst t = `export * from './no2.js'`;", []],
    ['nothing in a regex literal with quotes', "const re = /import x from '(.*)'/;\nimport c from './c.js';", ['./c.js']],
    ['no local export of a name', 'export const importer = 1;\nexport function from() {}', []],
  ];
  for (const [what, text, want] of cases) {
    it(`reads ${what}`, () => assert.deepEqual(importSpecifiers(text), want));
  }

  it('finds what TypeScript finds in every file of src/ and test/', () => {
    for (const file of [...tsFiles(ROOT, 'src'), ...tsFiles(ROOT, 'test')]) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const theirs = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
      assert.deepEqual([...importSpecifiers(text)].sort(), [...theirs].sort(), file);
    }
  });
});

describe('import cycles', () => {
  it('reports a cycle as the path around it', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts', 'd.ts']], ['c.ts', ['a.ts']], ['d.ts', []], ['e.ts', ['e.ts']]]);
    assert.deepEqual(importCycles(graph), [
      { cycle: ['a.ts', 'b.ts', 'c.ts', 'a.ts'], members: ['a.ts', 'b.ts', 'c.ts'] },
      { cycle: ['e.ts', 'e.ts'], members: ['e.ts'] },
    ]);
  });

  it('finds none in src/', () => {
    const cycles = importCycles(importGraph(ROOT, 'src')).map((c) => `${c.cycle.join(' -> ')} (files importing each other: ${c.members.join(', ')})`);
    assert.deepEqual(cycles, [], 'shared types belong in a module that imports none of its users');
  });
});
