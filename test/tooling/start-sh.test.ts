import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { freePort } from '../support/free-port.js';
import { ROOT } from '../support/run-cli.js';

function startSh(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('bash', [`${ROOT}start.sh`, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout + stderr });
    });
  });
}

describe('start.sh', () => {
  // Each test gets its own directory, port and gateway, so it holds alone and in any order.
  let dir = '';
  let pidFile = '';
  let env: NodeJS.ProcessEnv = {};
  let port = 0;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmexec-start-'));
    pidFile = join(dir, 'mmexec.pid');
    env = { MMEXEC_DIR: dir, PORT: '', MMEXEC_CONFIG: '', MMEXEC_PID_FILE: '', MMEXEC_LOG: '' };
    port = await freePort();
    writeFileSync(join(dir, 'gateway.yaml'), 'version: 1\nserver: { port: "${PORT}" }\nstate: { store: memory }\nupstreams:\n  anthropic: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: all, upstream: anthropic }\n');
    writeFileSync(join(dir, '.env'), `PORT=${port}\nMMEXEC_CONFIG=gateway.yaml\n`);
  });
  afterEach(() => {
    // Only the gateway this test started, by its recorded pid.
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      if (pid > 0) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  /** Starts this test's gateway in the background; its pid. */
  const started = async (): Promise<string> => {
    const r = await startSh([], env);
    assert.equal(r.code, 0, r.out);
    return readFileSync(pidFile, 'utf8').trim();
  };

  it('starts the gateway in the background from .env and writes a PID file', async () => {
    const r = await startSh([], env);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`mmexec started \\(pid \\d+\\) on http://127.0.0.1:${port}`));
    assert.ok(existsSync(pidFile));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
  });

  it('reports the running gateway with --status and does not start a second one', async () => {
    const pid = await started();
    const s = await startSh(['--status'], env);
    assert.equal(s.code, 0, s.out);
    assert.match(s.out, new RegExp(`running \\(pid ${pid}\\) on http://127.0.0.1:${port}: .*"status":"ok"`));
    const again = await startSh([], env);
    assert.match(again.out, new RegExp(`already running \\(pid ${pid}\\)`));
  });

  it('stops it with --stop, removes the PID file, and --status then says it is not running', async () => {
    const pid = Number(await started());
    const r = await startSh(['--stop'], env);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /mmexec stopped/);
    assert.equal(existsSync(pidFile), false);
    assert.throws(() => process.kill(pid, 0));
    const s = await startSh(['--status'], env);
    assert.equal(s.code, 3);
    assert.match(s.out, /not running/);
  });
});

describe('start.sh with a configuration that listens elsewhere than $PORT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-start-port-'));
  const pidFile = join(dir, 'mmexec.pid');
  let port = 0;
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    port = await freePort();
    const decoy = await freePort();
    writeFileSync(join(dir, 'fixed.yaml'), `version: 1\nserver: { port: ${port} }\nstate: { store: memory }\nupstreams:\n  anthropic: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: all, upstream: anthropic }\n`);
    writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nserver: { port: "${PORT}" }\nstate: { store: memory }\nupstreams:\n  anthropic: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: all, upstream: anthropic }\n');
    // Parsed the way mmexec parses it (quotes, an inline comment); MMEXEC_LOG is empty in the environment.
    writeFileSync(join(dir, '.env'), 'MMEXEC_LOG="gateway log.txt"   # where the log goes\n');
    env = { MMEXEC_DIR: dir, PORT: String(decoy), MMEXEC_CONFIG: join(dir, 'fixed.yaml'), MMEXEC_PID_FILE: '', MMEXEC_LOG: '' };
  });
  after(() => {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      if (pid > 0) try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits on the port the configuration uses, and reads .env as mmexec does', async () => {
    const started = Date.now();
    const r = await startSh([], env);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`mmexec started \\(pid \\d+\\) on http://127.0.0.1:${port}`));
    assert.ok(Date.now() - started < 15_000, 'no waiting on the wrong port');
    assert.ok(existsSync(join(dir, 'gateway log.txt')), 'the log goes where .env says');
    const s = await startSh(['--status'], env);
    assert.match(s.out, new RegExp(`running \\(pid \\d+\\) on http://127.0.0.1:${port}: .*"status":"ok"`));
    assert.equal((await startSh(['--stop'], env)).code, 0);
  });

  it('fails at once, with the error, when the configuration is invalid', async () => {
    const r = await startSh([], { ...env, PORT: 'abc', MMEXEC_CONFIG: join(dir, 'bad.yaml') });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /bad\.yaml:2:\d+ server\.port: invalid port "abc"/);
    assert.equal(existsSync(pidFile), false);
  });
});
