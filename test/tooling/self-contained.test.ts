/** A fresh clone needs nothing beside it: no source or test names a path outside the repository. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../support/run-cli.js';

const SCANNED = ['src', 'test', 'bench', 'scripts', 'bin'];
const EXTENSIONS = /\.(ts|mts|js|mjs|cjs|json|ya?ml|sh)$/;
/** Captured request bodies quote the paths of the machine they came from; nothing reads those. */
const SKIPPED = new Set([join('test', 'fixtures')]);

/** Paths outside the repository: a sibling folder, the developers' work tree, home directories. */
const OUTSIDE = [
  { what: 'a sibling of the repository', re: /['"`]\.\.\/(?:\.\.\/)*shared\b/ },
  { what: 'an absolute path into /work', re: /['"`]\/work\// },
  { what: 'an absolute path into a home directory', re: /['"`]\/(?:home|Users|root)\/\w/ },
];

function filesUnder(dir: string): string[] {
  const rel = relative(ROOT, dir);
  if (SKIPPED.has(rel)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(path);
    return EXTENSIONS.test(e.name) ? [path] : [];
  });
}

describe('a fresh clone', () => {
  it('reads nothing outside the repository: no source, test or script names such a path', () => {
    const found: string[] = [];
    for (const file of SCANNED.flatMap((d) => filesUnder(join(ROOT, d)))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const o of OUTSIDE) if (o.re.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${o.what}: ${line.trim().slice(0, 120)}`);
      });
    }
    assert.deepEqual(found, []);
  });

  it('keeps the captured Claude Code bodies in the repository, with a note of their origin', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'claude-code');
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const releases = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.ok(releases.length > 0);
    for (const release of releases) {
      assert.match(release, /^\d+\.\d+\.\d+$/);
      assert.ok(readme.includes(`${release}/`), `README.md says where ${release}/ came from`);
      for (const f of readdirSync(join(dir, release)).filter((n) => n.endsWith('.json'))) {
        assert.doesNotThrow(() => JSON.parse(readFileSync(join(dir, release, f), 'utf8')), `${release}/${f} is JSON`);
      }
    }
  });

  it('gives every test a timeout, so a hang fails instead of stalling CI', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const m = /--test-timeout[= ](\d+)/.exec(pkg.scripts.test ?? '');
    assert.ok(m, `npm test sets --test-timeout: ${pkg.scripts.test}`);
    assert.ok(Number(m[1]) > 0);
  });
});
