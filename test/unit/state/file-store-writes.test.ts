/** The file store writes a sticky file only when its value changes or its expiry moves noticeably. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStore } from '../../../src/state/file-store.js';

const DAY = 86_400;

interface Setup {
  store: FileStore;
  clock: { now: number };
  /** Marks the session's file in place; a write by the store replaces the file and loses the mark. */
  mark: () => void;
  marked: () => boolean;
  exists: () => boolean;
  record: () => { value: string; expires_at: number };
  done: () => void;
}

/** A store on a fake clock, with a way to see whether it wrote a session's file again. */
function setup(): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-fsw-'));
  const clock = { now: 1_800_000_000_000 };
  const store = new FileStore(dir, () => {}, () => clock.now);
  const file = join(dir, 'state', 's1.json');
  return {
    store,
    clock,
    mark: () => writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), mark: true })),
    marked: () => (JSON.parse(readFileSync(file, 'utf8')) as { mark?: boolean }).mark === true,
    exists: () => existsSync(file),
    record: () => JSON.parse(readFileSync(file, 'utf8')) as { value: string; expires_at: number },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('file store sticky writes', () => {
  it('does not rewrite an unchanged value set again within the refresh slack', async () => {
    const t = setup();
    await t.store.set('sticky:session', 's1', 'minimax', 7 * DAY);
    t.mark();
    t.clock.now += 5_000;
    await t.store.set('sticky:session', 's1', 'minimax', 7 * DAY);
    assert.ok(t.marked(), 'the file was not written again');
    assert.equal(await t.store.get('sticky:session', 's1'), 'minimax');
    await t.store.close();
    t.done();
  });

  it('writes when the value changes, and when the expiry would move by more than the slack', async () => {
    const t = setup();
    await t.store.set('sticky:session', 's1', 'minimax', 7 * DAY);
    t.mark();
    await t.store.set('sticky:session', 's1', 'anthropic', 7 * DAY);
    assert.ok(!t.marked(), 'the new value was written');
    t.mark();
    t.clock.now += 61_000;
    await t.store.set('sticky:session', 's1', 'anthropic', 7 * DAY);
    assert.ok(!t.marked(), 'the expiry refresh was written');
    assert.equal(t.record().expires_at, t.clock.now + 7 * DAY * 1000);
    await t.store.close();
    t.done();
  });

  it('joins concurrent writes of one value into one, and skips removing what is not there', async () => {
    const t = setup();
    await Promise.all(Array.from({ length: 30 }, () => t.store.set('sticky:session', 's1', 'minimax', 7 * DAY)));
    t.mark();
    await Promise.all(Array.from({ length: 30 }, () => t.store.set('sticky:session', 's1', 'minimax', 7 * DAY)));
    assert.ok(t.marked());
    await t.store.delete('sticky:session', 's1');
    assert.equal(t.exists(), false);
    await t.store.delete('sticky:session', 's1');
    assert.equal(await t.store.get('sticky:session', 's1'), undefined);
    await t.store.close();
    t.done();
  });

  it('keeps a short TTL exact: the slack is at most 1% of it', async () => {
    const t = setup();
    await t.store.set('sticky:session', 's1', 'minimax', 10);
    t.mark();
    t.clock.now += 500;
    await t.store.set('sticky:session', 's1', 'minimax', 10);
    assert.ok(!t.marked());
    assert.equal(t.record().expires_at, t.clock.now + 10_000);
    await t.store.close();
    t.done();
  });
});
