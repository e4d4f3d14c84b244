import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStore } from '../../../src/state/file-store.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import type { StateStore } from '../../../src/state/store.js';
import { findSession } from '../../../src/state/session-key.js';
import { storeConformance, type StoreUnderTest } from '../../support/store-conformance.js';
import { GatewayError } from '../../../src/errors.js';

/** A store on a fake clock that `advance` moves. */
function onClock(make: (now: () => number) => StateStore): () => Promise<StoreUnderTest> {
  return async () => {
    const clock = { now: Date.now() };
    return { store: make(() => clock.now), advance: async (ms) => void (clock.now += ms) };
  };
}

storeConformance('memory', onClock((now) => new MemoryStore(now)));
storeConformance('file', onClock((now) => new FileStore(mkdtempSync(join(tmpdir(), 'mmexec-fs-')), () => {}, now)));

describe('file store layout', () => {
  it('keeps a session as state/<session>.json, written atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-fs-'));
    const s = new FileStore(dir, () => {});
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set('sticky:session', 'sess-1', `v${i}`, 60)));
    assert.deepEqual(readdirSync(join(dir, 'state')), ['sess-1.json'], 'no temp files left behind');
    assert.match((await s.get('sticky:session', 'sess-1')) ?? '', /^v\d+$/);
  });

  it('reads a corrupt file as unset, with a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-fs-'));
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'state', 'broken.json'), '{"value": ');
    const warnings: string[] = [];
    const s = new FileStore(dir, (m) => warnings.push(m));
    assert.equal(await s.get('sticky:session', 'broken'), undefined);
    assert.match(warnings[0] ?? '', /corrupt/);
  });

  it('refuses keys that could leave its directory', async () => {
    const s = new FileStore(mkdtempSync(join(tmpdir(), 'mmexec-fs-')), () => {});
    await assert.rejects(s.set('sticky:session', '../escape', 'x'));
    await assert.rejects(s.get('sticky:session', 'a/b'));
  });
});

describe('file store expiry', () => {
  const hex = (c: string): string => c.repeat(64);
  /** Every file under the store's data directories, as `dir/name`. */
  const files = (dir: string): string[] =>
    ['state', 'state/client', 'thinking', 'counters'].flatMap((d) =>
      existsSync(join(dir, d)) ? readdirSync(join(dir, d), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `${d}/${e.name}`) : [],
    );

  it('removes expired state, thinking and counter files, examining at most `batch` entries per tick', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-fs-'));
    const clock = { now: Date.now() };
    const s = new FileStore(dir, () => {}, () => clock.now, { intervalMs: 0, batch: 3 });
    for (const c of 'abcde') await s.set('thinking', hex(c), '1', 10);
    await s.set('thinking', hex('f'), '1', 1000);
    for (const k of ['s1', 's2', 's3']) await s.set('sticky:session', k, 'minimax', 10);
    await s.set('sticky:session', 'long', 'minimax', 1000);
    await s.set('sticky:session', 'forever', 'minimax');
    await s.set('sticky:client', 'frontend', 'minimax', 10);
    await s.set('sticky:global', 'global', 'minimax', 10);
    await s.incrBy('budget', 'c1-day', 1, 10);
    writeFileSync(join(dir, 'state', '.left.json.0a0b.tmp'), '{}');
    utimesSync(join(dir, 'state', '.left.json.0a0b.tmp'), new Date(clock.now - 7_200_000), new Date(clock.now - 7_200_000));
    writeFileSync(join(dir, 'state', '.fresh.json.0c0d.tmp'), '{}');
    const all = files(dir).length;
    assert.equal(all, 16);
    clock.now += 11_000;

    let ticks = 0;
    let before = all;
    for (;;) {
      const examined = await s.sweep();
      ticks++;
      const now = files(dir).length;
      assert.ok(examined <= 3, `a tick examined ${examined} entries`);
      assert.ok(before - now <= 3, `a tick removed ${before - now} files`);
      before = now;
      if (examined < 3) break;
      assert.ok(ticks < 20, 'the sweep ends its pass');
    }
    assert.ok(ticks >= Math.ceil(all / 3), `${ticks} ticks for ${all} entries`);
    assert.deepEqual(files(dir).sort(), ['state/.fresh.json.0c0d.tmp', 'state/forever.json', 'state/long.json', `thinking/${hex('f')}`]);
    assert.equal(await s.get('sticky:session', 'long'), 'minimax');
    assert.deepEqual(await s.hasMany('thinking', [hex('a'), hex('f')]), [false, true]);
    assert.equal(await s.incrBy('budget', 'c1-day', 2, 10), 2, 'an expired counter starts again');
    await s.close();
  });

  it('never removes a value written again while the sweep looks at it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-fs-'));
    const clock = { now: Date.now() };
    const s = new FileStore(dir, () => {}, () => clock.now, { intervalMs: 0, batch: 10_000 });
    const sessions = Array.from({ length: 400 }, (_, i) => `s${i}`);
    const markers = Array.from({ length: 200 }, (_, i) => i.toString(16).padStart(64, '0'));
    for (const k of sessions) await s.set('sticky:session', k, 'minimax', 10);
    for (const k of markers) await s.set('thinking', k, '1', 10);
    clock.now += 11_000;
    // Each value is written again within the first milliseconds of the sweep's pass (which reads, then removes).
    const later = (write: () => Promise<void>): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * 5)).then(write);
    await Promise.all([
      s.sweep(),
      ...sessions.map((k) => later(() => s.set('sticky:session', k, 'again', 60))),
      ...markers.map((k) => later(() => s.set('thinking', k, '1', 60))),
    ]);
    await s.close();
    const reopened = new FileStore(dir, () => {}, () => clock.now, { intervalMs: 0, batch: 1 });
    const lost = [];
    for (const k of sessions) if ((await reopened.get('sticky:session', k)) !== 'again') lost.push(k);
    for (const [i, kept] of (await reopened.hasMany('thinking', markers)).entries()) if (!kept) lost.push(markers[i]);
    assert.deepEqual(lost, [], 'values written again during the sweep are all kept');
  });

  it('sweeps on its timer and stops when closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-fs-'));
    const clock = { now: Date.now() };
    const s = new FileStore(dir, () => {}, () => clock.now, { intervalMs: 10, batch: 100 });
    await s.set('thinking', hex('a'), '1', 10);
    await s.set('sticky:session', 'gone', 'minimax', 10);
    clock.now += 11_000;
    const deadline = Date.now() + 5000;
    while (files(dir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(files(dir), [], 'the timer removed both');
    await s.close();
    writeFileSync(join(dir, 'thinking', hex('b')), '');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(files(dir), [`thinking/${hex('b')}`], 'no sweep after close');
  });

  it('keeps no process alive with its timer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-fs-'));
    const code = `const { FileStore } = await import(${JSON.stringify(join(process.cwd(), 'src/state/file-store.ts'))}); new FileStore(${JSON.stringify(dir)}, () => {});`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr || 'the process did not exit on its own');
  });
});

describe('session ids', () => {
  const sources = [{ kind: 'header', name: 'x-claude-code-session-id' }, { kind: 'metadata', key: 'session_id' }] as const;
  it('reads the header first, then metadata.user_id', () => {
    assert.equal(findSession(sources, { 'x-claude-code-session-id': 'h-1' }, () => ({ user_id: '{"session_id":"m-1"}' })), 'h-1');
    assert.equal(findSession(sources, {}, () => ({ user_id: '{"device_id":"d","session_id":"m-1"}' })), 'm-1');
    assert.equal(findSession(sources, {}, () => ({ user_id: 'not json' })), undefined);
  });
  for (const bad of ['../etc', 'a/b', 'a\u0000b', 'line\nbreak', '.hidden', 'x'.repeat(129)]) {
    it(`rejects the unsafe session id ${JSON.stringify(bad.slice(0, 20))}`, () => {
      assert.throws(() => findSession(sources, { 'x-claude-code-session-id': bad }, () => undefined), (e: unknown) => e instanceof GatewayError && e.status === 400);
    });
  }
});
