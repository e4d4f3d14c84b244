import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { claudeRelease, claudeReleases, MATRIX_DIR, MATRIX_VERSIONS, releaseSkip } from '../support/claude-releases.js';

function readJson(file: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(join(MATRIX_DIR, file), 'utf8')) as Record<string, Record<string, unknown>>;
}

describe('Claude Code release matrix', () => {
  it('lists exactly the releases the matrix package pins, each as an exact-version alias', () => {
    const pkg = readJson('package.json');
    const want = Object.fromEntries(MATRIX_VERSIONS.map((v) => [`cc-${v}`, `npm:@anthropic-ai/claude-code@${v}`]));
    assert.deepEqual(pkg.devDependencies, want);
    assert.equal(pkg.private, true);
    const lock = readJson('package-lock.json');
    for (const v of MATRIX_VERSIONS) {
      const entry = lock.packages?.[`node_modules/cc-${v}`] as { version?: string } | undefined;
      assert.equal(entry?.version, v, `the lockfile pins ${v}`);
    }
  });

  it('keeps the releases out of the root package', () => {
    const root = JSON.parse(readFileSync(join(MATRIX_DIR, '..', '..', 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    assert.ok(!Object.keys({ ...root.dependencies, ...root.devDependencies }).some((d) => d.includes('claude-code')));
    assert.match(root.scripts?.['test:setup'] ?? '', /npm ci --prefix test\/claude-code/);
  });

  it('gives a visible skip reason for a missing release, and throws under CI', () => {
    const absent = { ...claudeRelease('0.0.0'), installed: false };
    const ci = process.env.CI;
    try {
      delete process.env.CI;
      assert.match(String(releaseSkip(absent)), /Claude Code 0\.0\.0 is not installed .*npm run test:setup/);
      process.env.CI = 'true';
      assert.throws(() => releaseSkip(absent), /^Error: CI: Claude Code 0\.0\.0 is not installed/);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
    for (const r of claudeReleases()) if (r.installed) assert.equal(releaseSkip(r), false);
  });
});
