import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../support/run-cli.js';

const README = readFileSync(`${ROOT}README.md`, 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function matches(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1]!);
}

/** Every environment variable the sources, start.sh and the shipped configurations read by name. */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  for (const f of sourceFiles(`${ROOT}src`)) {
    const text = readFileSync(f, 'utf8');
    for (const v of [...matches(text, /\benv\.([A-Z][A-Z0-9_]+)/g), ...matches(text, /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)]) found.set(v, f);
  }
  // start.sh reads the environment as ${NAME:-default}; its own variables are plain ${NAME}.
  for (const v of matches(readFileSync(`${ROOT}start.sh`, 'utf8'), /\$\{([A-Z][A-Z0-9_]*):-/g)) found.set(v, 'start.sh');
  for (const f of ['mmexec.yaml', 'examples/mmexec.starter.yaml', 'examples/team/mmexec.yaml']) {
    const text = readFileSync(`${ROOT}${f}`, 'utf8');
    for (const v of [...matches(text, /\$\{([A-Z][A-Z0-9_]*)/g), ...matches(text, /key_env: ([A-Z][A-Z0-9_]*)/g)]) found.set(v, f);
  }
  return found;
}

describe('the README', () => {
  it('documents every environment variable the code reads', () => {
    const read = variablesRead();
    for (const v of ['MMEXEC_URL', 'MMEXEC_DEBUG_DIR', 'MMEXEC_HOST', 'MMEXEC_METRICS_TOKEN', 'MMEXEC_CONFIG', 'DEBUG', 'PORT']) assert.ok(read.has(v), `the scan finds ${v}`);
    const missing = [...read].filter(([v]) => !README.includes(`\`${v}\``)).map(([v, f]) => `${v} (${f})`);
    assert.deepEqual(missing, [], 'variables read but not in README.md');
  });

  it('says what DEBUG=1 and DEBUG=2 print and where, and what x-mmexec-via is for', () => {
    assert.match(README, /`DEBUG=1`[^]*?line `debug POST \/v1\/messages/);
    assert.match(README, /`DEBUG=2` adds two\nfiles per request in `MMEXEC_DEBUG_DIR`/);
    assert.match(README, /`x-mmexec-via: <instance id>`[^]*?answered `508`/);
  });

  it('lists mmexec doctor and the .env rule, and names the Node version engines asks for', () => {
    assert.match(README, /^mmexec doctor {3}\[--config FILE\]/m);
    assert.match(README, /already set to a non-empty value wins; one that is unset \*\*or empty\*\*/);
    const engines = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { engines: { node: string } }).engines.node;
    assert.equal(engines, '>=20.12');
    assert.match(README, /Node\.js 20\.12 or newer/);
  });

  it('keeps start.sh files out of git', () => {
    const ignored = readFileSync(`${ROOT}.gitignore`, 'utf8').split('\n');
    for (const f of ['mmexec.log', 'mmexec.pid', '.env']) assert.ok(ignored.includes(f), `${f} in .gitignore`);
  });
});
