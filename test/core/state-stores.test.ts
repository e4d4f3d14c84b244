import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStore } from '../../src/state/file-store.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import type { StateStore } from '../../src/state/store.js';
import { findSession } from '../../src/state/session-key.js';
import { GatewayError } from '../../src/errors.js';

/** The conformance suite every StateStore passes; `clock` lets tests move time. */
export function storeConformance(name: string, make: (clock: { now: number }) => StateStore): void {
  describe(`${name} state store`, () => {
    it('gets what was set and forgets what was deleted', async () => {
      const s = make({ now: Date.now() });
      assert.equal(await s.get('sticky:session', 'abc'), undefined);
      await s.set('sticky:session', 'abc', 'minimax', 60);
      assert.equal(await s.get('sticky:session', 'abc'), 'minimax');
      assert.equal(await s.get('sticky:client', 'abc'), undefined, 'namespaces are separate');
      await s.delete('sticky:session', 'abc');
      assert.equal(await s.get('sticky:session', 'abc'), undefined);
      await s.delete('sticky:session', 'never-set');
      await s.close();
    });

    it('expires values after their TTL', async () => {
      const clock = { now: Date.now() };
      const s = make(clock);
      await s.set('sticky:global', 'global', 'b', 10);
      await s.set('thinking', 'f'.repeat(64), '1', 10);
      clock.now += 11_000;
      assert.equal(await s.get('sticky:global', 'global'), undefined);
      assert.deepEqual(await s.hasMany('thinking', ['f'.repeat(64)]), [false]);
      await s.close();
    });

    it('answers hasMany in order', async () => {
      const s = make({ now: Date.now() });
      await s.set('thinking', 'a'.repeat(64), '1', 60);
      await s.set('thinking', 'c'.repeat(64), '1', 60);
      assert.deepEqual(await s.hasMany('thinking', ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)]), [true, false, true]);
      await s.close();
    });

    it('adds to counters without losing concurrent increments', async () => {
      const s = make({ now: Date.now() });
      await Promise.all(Array.from({ length: 25 }, () => s.incrBy('budget', 'c1-day', 0.5, 60)));
      assert.equal(await s.incrBy('budget', 'c1-day', 0, 60), 12.5);
      await s.close();
    });
  });
}

storeConformance('memory', (clock) => new MemoryStore(() => clock.now));
storeConformance('file', (clock) => new FileStore(mkdtempSync(join(tmpdir(), 'mmexec-fs-')), () => {}, () => clock.now));

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
