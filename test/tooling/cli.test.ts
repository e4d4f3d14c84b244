import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../support/free-port.js';

const BIN = join(process.cwd(), 'bin', 'mmexec.js');
const run = (args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('mmexec command line', () => {
  it('prints help and version', () => {
    const help = run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: mmexec <command>/);
    assert.match(help.out, /serve/);
    assert.match(help.out, /validate/);
    const version = run(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.out.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('is installed as node_modules/.bin/mmexec by npm install', () => {
    const r = spawnSync(join(process.cwd(), 'node_modules', '.bin', 'mmexec'), ['--version'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('validates the bundled rule file', () => {
    const r = run(['validate', '--config', 'mmexec.yaml'], { MINIMAX_API_KEY: 'k' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /mmexec\.yaml: ok \(\d+ routes, 2 upstreams/);
  });

  it('exits 1 listing every error of a bad rule file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nupstreams:\n  a: { url: "http://127.0.0.1:1" }\nroutes:\n  - { name: x, upstream: b }\n  - { name: y, upstream: c }\n');
    const r = run(['validate', '--config', file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.yaml:5:26 routes\[0\]\.upstream: unknown upstream "b" \(known: a\)/);
    assert.match(r.err, /bad\.yaml:6:26 routes\[1\]\.upstream: unknown upstream "c"/);
    assert.match(r.err, /2 errors/);
  });

  it('rejects an unknown command with usage', () => {
    const r = run(['brew']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command "brew"/);
  });

  it('serves with the bundled rules from the port in PORT, and stops on SIGTERM', async () => {
    const port = await freePort();
    const home = mkdtempSync(join(tmpdir(), 'mmexec-home-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--config', 'mmexec.yaml', '--log-format', 'json'], {
      env: { ...process.env, PORT: String(port), MMEXEC_HOME: home, ANTHROPIC_UPSTREAM_URL: 'http://127.0.0.1:1', MINIMAX_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no listening line:\n${log}`)), 20_000);
        child.stderr.on('data', () => {
          if (log.includes('listening on')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { status: string };
      assert.equal(health.status, 'ok');
      assert.match(log, /MINIMAX_API_KEY is not set/, 'starts without the MiniMax key, with a warning');
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start when an upstream is the gateway itself', async () => {
    const port = await freePort();
    const r = run(['serve', '--config', 'mmexec.yaml'], { PORT: String(port), ANTHROPIC_UPSTREAM_URL: `http://localhost:${port}`, MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-home-')) });
    assert.equal(r.code, 1);
    assert.match(r.err, /upstream "anthropic" points at this gateway/);
  });

  it('names state.url with its position when REDIS_URL does not parse, in validate and serve', () => {
    const env = { REDIS_URL: 'redis://[bad', MMEXEC_KEY_FRONTEND: 'fe-key-0123456789abcdef', MMEXEC_KEY_BACKEND: 'be-key-0123456789abcdef', MINIMAX_API_KEY: 'k' };
    const want = /examples\/team\/mmexec\.yaml:\d+:\d+ state\.url: invalid Redis URL: it does not parse/;
    const validate = run(['validate', '--config', 'examples/team/mmexec.yaml'], env);
    assert.equal(validate.code, 1);
    assert.match(validate.err, want);
    const serve = run(['serve', '--config', 'examples/team/mmexec.yaml', '--host', '127.0.0.1', '--port', '0'], env);
    assert.equal(serve.code, 1);
    assert.match(serve.err, want);
  });
});
