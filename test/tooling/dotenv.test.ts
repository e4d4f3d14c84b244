import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDotEnv } from '../../src/config/dotenv.js';
import { freePort } from '../support/free-port.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { ROOT, runCli } from '../support/run-cli.js';

/** A rule file that is valid only when DOTENV_PORT is set, with one rule test beside it. */
const CONFIG = 'version: 1\nserver: { port: "${DOTENV_PORT}" }\nstate: { store: memory }\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: all, upstream: a }\n';
const TESTS = 'tests:\n  - { name: goes to a, text: hi, expect: { route: all, upstream: a } }\n';

describe('.env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-dotenv-'));
  const env = { MMEXEC_HOME: join(dir, 'home'), DOTENV_PORT: '', MMEXEC_URL: '', MMEXEC_METRICS_TOKEN: '', PORT: '' };
  let port = 0;
  let gw: TestGateway;

  before(async () => {
    port = await freePort();
    gw = await startTestGateway('version: 1\nstate: { store: memory }\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: all, upstream: a }\n');
    writeFileSync(join(dir, 'mmexec.yaml'), CONFIG);
    writeFileSync(join(dir, 'mmexec.test.yaml'), TESTS);
    writeFileSync(join(dir, '.env'), `# settings\nexport DOTENV_PORT=${port}\nMMEXEC_URL="${gw.url}"  # the test gateway\n`);
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills unset and empty variables and leaves non-empty ones alone', () => {
    const file = join(dir, 'rule.env');
    writeFileSync(file, 'A=from-file\nB="from file"\nC=from-file\nD=\n');
    const target: NodeJS.ProcessEnv = { B: '', C: 'already' };
    assert.deepEqual(loadDotEnv(target, file).sort(), ['A', 'B', 'D']);
    assert.deepEqual(target, { A: 'from-file', B: 'from file', C: 'already', D: '' });
    assert.deepEqual(loadDotEnv(target, join(dir, 'none.env')), []);
    mkdirSync(join(dir, 'dir.env'));
    assert.throws(() => loadDotEnv({}, join(dir, 'dir.env')), /^Error: cannot read .*dir\.env: is a directory/);
  });

  it('is read by validate, explain and test, with an exported empty variable taking the file value', async () => {
    const url = await runCli(['validate', '--print-url'], { cwd: dir, env });
    assert.equal(url.stdout, `http://127.0.0.1:${port}\n`, url.stderr);
    const explain = await runCli(['explain', '--text', 'hi'], { cwd: dir, env });
    assert.equal(explain.code, 0, explain.stderr);
    const t = await runCli(['test'], { cwd: dir, env });
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /1 passed, 0 failed/);
  });

  it('loses to a variable set to a non-empty value', async () => {
    const url = await runCli(['validate', '--print-url'], { cwd: dir, env: { ...env, DOTENV_PORT: '9311' } });
    assert.equal(url.stdout, 'http://127.0.0.1:9311\n', url.stderr);
  });

  it('is read by status', async () => {
    const r = await runCli(['status'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`at ${gw.url.replace(/[.]/g, '\\.')}`));
  });

  it('is read by serve', async () => {
    const child = spawn(process.execPath, [`${ROOT}bin/mmexec.js`, 'serve', '--log-format', 'json'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    try {
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      const listening = new Promise<void>((resolve) => child.stderr.on('data', () => log.includes('listening on') && resolve()));
      const first = await Promise.race([listening.then(() => 'listening'), exited.then(() => 'exited'), new Promise((r) => setTimeout(r, 20_000, 'timeout'))]);
      assert.equal(first, 'listening', log);
      assert.match(log, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
