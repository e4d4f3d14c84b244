/** Includes resolve beside the including file, then among the rule files shipped with mmexec. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, PACKAGE_DIR } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { BUNDLED_CONFIG, postMessages } from '../../support/classic-gateway.js';
import { startFakeMiniMax, type FakeMiniMax } from '../../support/fake-minimax.js';
import { freePort } from '../../support/free-port.js';
import { ROOT, runCli } from '../../support/run-cli.js';

const HEAD = 'version: 1\nupstreams:\n  anthropic: { url: "http://127.0.0.1:1" }\nroutes:\n';

function issuesOf(file: string): string[] {
  try {
    loadConfig(file, { env: {} });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => i.message);
  }
}

/** Runs `mmexec serve` in `cwd` until `/healthz` answers; resolves with its URL and a stop function. */
async function serve(config: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ url: string; log: () => string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${ROOT}bin/mmexec.js`, 'serve', '--config', config, '--log-format', 'json'], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mmexec serve exited ${child.exitCode}:\n${log}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mmexec serve did not answer /healthz:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, log: () => log, stop: async () => (child.kill('SIGTERM'), await exited) };
}

describe('includes', () => {
  let dir: string;
  let minimax: FakeMiniMax;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmexec-include-'));
    minimax = await startFakeMiniMax({ acceptedKeys: ['mm-key'] });
  });
  after(async () => {
    await minimax.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates and serves a copy of the bundled mmexec.yaml in an empty directory (the service recipes)', { timeout: 60_000 }, async () => {
    const home = join(dir, 'service');
    mkdirSync(home);
    const copy = join(home, 'mmexec.yaml');
    copyFileSync(BUNDLED_CONFIG, copy);
    const env = { MMEXEC_HOME: join(home, 'state'), MINIMAX_BASE_URL: minimax.url, MINIMAX_API_KEY: 'mm-key', ANTHROPIC_UPSTREAM_URL: 'http://127.0.0.1:1' };

    const v = await runCli(['validate', '--config', copy], { cwd: home, env });
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /ok \(\d+ routes/);

    const gw = await serve(copy, home, env);
    try {
      const r = await postMessages(gw.url, { model: 'claude-opus-4-8', max_tokens: 50, messages: [{ role: 'user', content: 'mmexec hi' }] }, 'copied');
      assert.equal(r.status, 200, r.text);
      assert.equal(minimax.messageBodies().length, 1, 'the routes of the shipped rules/classic.yaml serve');
      const status = await postMessages(gw.url, { model: 'claude-opus-4-8', max_tokens: 50, messages: [{ role: 'user', content: 'mmstatus' }] }, 'copied');
      assert.equal(status.status, 418);
      assert.match(status.text, /MiniMax/);
    } finally {
      await gw.stop();
    }
  });

  it('prefers a rule file beside the including file over the shipped one', () => {
    const own = join(dir, 'own');
    mkdirSync(join(own, 'rules'), { recursive: true });
    writeFileSync(join(own, 'rules', 'classic.yaml'), 'routes:\n  - name: my-own\n    reply: { status: 418, text: mine }\n');
    writeFileSync(join(own, 'mmexec.yaml'), `${HEAD}  - include: rules/classic.yaml\n`);
    const loaded = loadConfig(join(own, 'mmexec.yaml'), { env: {} });
    assert.deepEqual(loaded.config.routes.map((r) => r.name), ['my-own']);
    assert.equal(loaded.files[1], join(own, 'rules', 'classic.yaml'));
  });

  it('takes the shipped file when none is beside, and watches it there', () => {
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'mmexec.yaml'), `${HEAD}  - include: rules/model-map.yaml\n`);
    const loaded = loadConfig(join(bare, 'mmexec.yaml'), { env: {} });
    assert.equal(loaded.files[1], join(PACKAGE_DIR, 'rules', 'model-map.yaml'));
  });

  it('names both places when neither has a rules/ file', () => {
    const missing = join(dir, 'missing');
    mkdirSync(missing);
    writeFileSync(join(missing, 'mmexec.yaml'), `${HEAD}  - include: rules/nothere.yaml\n`);
    assert.deepEqual(issuesOf(join(missing, 'mmexec.yaml')), [
      `included file not found: ${join(missing, 'rules', 'nothere.yaml')} (nor among the rule files shipped with mmexec: ${join(PACKAGE_DIR, 'rules', 'nothere.yaml')})`,
    ]);
  });

  it('looks only beside the including file for anything outside rules/', () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'mmexec.yaml'), `${HEAD}  - include: examples/mmexec.starter.yaml\n  - include: ../rules/classic.yaml\n`);
    assert.deepEqual(issuesOf(join(other, 'mmexec.yaml')), [
      `included file not found: ${join(other, 'examples', 'mmexec.starter.yaml')}`,
      `included file not found: ${join(dir, 'rules', 'classic.yaml')}`,
    ]);
  });
});
