/** One gateway per file-store directory: a second gateway on the same MMEXEC_HOME refuses to start. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lockStateDir, StateDirInUseError } from '../../../src/state/dir-lock.js';
import { startTestGateway } from '../../support/gateway.js';

const BIN = join(process.cwd(), 'bin', 'mmexec.js');
const YAML = 'version: 1\nupstreams: { a: { url: "http://127.0.0.1:1" } }\nroutes: [{ name: all, upstream: a }]\n';

/** A pid that certainly belongs to no running process: that of a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('file store: one gateway per state directory', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'mmexec-lock-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('refuses a second in-process gateway on the same MMEXEC_HOME, and admits it once the first has closed', async () => {
    const dir = tempDir();
    const first = await startTestGateway(YAML, { dir });
    const home = join(dir, 'home');
    const lock = JSON.parse(readFileSync(join(home, 'gateway.lock'), 'utf8')) as { pid: number; host: string };
    assert.deepEqual([lock.pid, lock.host], [process.pid, hostname()]);
    await assert.rejects(startTestGateway(YAML, { dir }), (err: Error) => {
      assert.ok(err instanceof StateDirInUseError, String(err));
      assert.match(err.message, new RegExp(`state directory ${home} is in use by another mmexec gateway \\(pid ${process.pid} on `));
      assert.match(err.message, /MMEXEC_HOME/);
      assert.match(err.message, /state\.store: redis/);
      return true;
    });
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200, 'the first gateway keeps serving');
    await first.close();
    assert.equal(existsSync(join(home, 'gateway.lock')), false, 'closing releases the lock');
    const second = await startTestGateway(YAML, { dir });
    await second.close();
  });

  it('makes a second `mmexec serve` process on the same MMEXEC_HOME exit 1 with the reason', async () => {
    const dir = tempDir();
    const first = await startTestGateway(YAML, { dir });
    try {
      const child = spawn(process.execPath, [BIN, 'serve', '--config', first.configPath, '--port', '0'], {
        env: { ...process.env, MMEXEC_HOME: join(dir, 'home') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1, err);
      assert.match(err, /^mmexec( serve)?: state directory .* is in use by another mmexec gateway \(pid \d+ on /);
    } finally {
      await first.close();
    }
  });

  it('takes over the lock of a process that is gone, or that started before the last boot', async () => {
    for (const owner of [
      { pid: deadPid(), host: hostname(), started: new Date().toISOString(), token: 'old' },
      { pid: 1, host: hostname(), started: '2000-01-01T00:00:00.000Z', token: 'old' },
    ]) {
      const dir = tempDir();
      writeFileSync(join(dir, 'gateway.lock'), JSON.stringify(owner));
      const lock = await lockStateDir(dir);
      assert.equal(lock.tookOver?.pid, owner.pid);
      assert.equal((JSON.parse(readFileSync(lock.file, 'utf8')) as { pid: number }).pid, process.pid);
      await lock.release();
      assert.equal(existsSync(lock.file), false);
    }
  });

  it('never takes over the lock of a running process, of another host, or one being written right now', async () => {
    for (const text of [
      JSON.stringify({ pid: 1, host: hostname(), started: new Date().toISOString(), token: 't' }),
      JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, started: new Date().toISOString(), token: 't' }),
      '',
    ]) {
      const dir = tempDir();
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'gateway.lock'), text);
      await assert.rejects(lockStateDir(dir), StateDirInUseError);
      assert.equal(readFileSync(join(dir, 'gateway.lock'), 'utf8'), text, 'the lock is left as it was');
    }
  });

  it('lets only one of several gateways starting at once take the lock', async () => {
    const dir = tempDir();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => lockStateDir(dir)));
    const held = results.filter((r) => r.status === 'fulfilled');
    assert.equal(held.length, 1);
    assert.ok(results.every((r) => r.status === 'fulfilled' || r.reason instanceof StateDirInUseError));
    await (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockStateDir>>>).value.release();
  });
});
