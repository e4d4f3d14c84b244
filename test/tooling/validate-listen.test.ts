/** `mmexec validate` refuses what `serve` would refuse where the plan listens. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const BIN = join(process.cwd(), 'bin', 'mmexec.js');

function validate(yaml: string): { code: number | null; err: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'mmexec-validate-')), 'mmexec.yaml');
  writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [BIN, 'validate', '--config', file], { encoding: 'utf8', env: { ...process.env, MMEXEC_HOME: join(tmpdir(), 'mmexec-validate-home') }, timeout: 30_000 });
  return { code: r.status, err: r.stderr };
}

const rules = (server: string, url: string): string => `version: 1\nserver: ${server}\nstate: { store: memory }\nupstreams:\n  a: { url: "${url}" }\nroutes:\n  - { name: x, upstream: a }\n`;

describe('mmexec validate where the plan listens', () => {
  it('refuses a network address without client keys', () => {
    const r = validate(rules('{ host: 0.0.0.0, port: 9311 }', 'http://127.0.0.1:1'));
    assert.equal(r.code, 1);
    assert.match(r.err, /refusing to listen on 0\.0\.0\.0 without client keys/);
  });

  it('refuses an upstream that points back at the gateway', () => {
    const r = validate(rules('{ host: 127.0.0.1, port: 9311 }', 'http://localhost:9311'));
    assert.equal(r.code, 1);
    assert.match(r.err, /upstream "a" points at this gateway \(port 9311\)/);
  });

  it('accepts a loopback gateway with a real upstream', () => {
    assert.equal(validate(rules('{ host: 127.0.0.1, port: 9311 }', 'http://127.0.0.1:1')).code, 0);
  });
});
