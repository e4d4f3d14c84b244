import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { runCli } from '../support/run-cli.js';

// Each test runs in its own empty directory: the second writes the mmexec.yaml the first must not find.
let dir = '';
let env: NodeJS.ProcessEnv = {};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmexec-init-'));
  env = { MMEXEC_HOME: join(dir, 'home') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('mmexec init', () => {
  it('writes a commented starter mmexec.yaml that validates and passes its own tests', async () => {
    const r = await runCli(['init'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(dir, 'mmexec.yaml'), 'utf8');
    assert.ok(text.split('\n').filter((l) => l.trim().startsWith('#')).length >= 10);
    const v = await runCli(['validate'], { cwd: dir, env });
    assert.equal(v.code, 0, v.stderr);
    const t = await runCli(['test'], { cwd: dir, env });
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.match(t.stdout, /4 passed, 0 failed/);
  });

  it('refuses to overwrite an existing file without --force, and overwrites with it', async () => {
    writeFileSync(join(dir, 'mmexec.yaml'), 'mine\n');
    const r = await runCli(['init'], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already exists.*--force/);
    assert.equal(readFileSync(join(dir, 'mmexec.yaml'), 'utf8'), 'mine\n');
    const f = await runCli(['init', '--force'], { cwd: dir, env });
    assert.equal(f.code, 0);
    assert.match(readFileSync(join(dir, 'mmexec.yaml'), 'utf8'), /^version: 1$/m);
  });
});
