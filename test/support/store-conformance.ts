/** The conformance suite every StateStore passes (memory, file, redis). */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { StateStore } from '../../src/state/store.js';

/** A store to test and how to let time pass for it (a fake clock, or real time for Redis). */
export interface StoreUnderTest {
  store: StateStore;
  advance(ms: number): Promise<void>;
}

/**
 * Registers the suite. `open` gives a fresh, empty store for each test, or a reason to skip (a missing
 * redis-server; the opener throws instead when CI is set).
 */
export function storeConformance(name: string, open: () => Promise<StoreUnderTest | string>): void {
  describe(`${name} state store (conformance)`, () => {
    let opened: StateStore[] = [];
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      opened = [];
    });
    /** Runs `body` with a fresh store, or skips with the opener's reason. */
    const test = (title: string, body: (s: StateStore, advance: StoreUnderTest['advance']) => Promise<void>): void => {
      it(title, async (t) => {
        const got = await open();
        if (typeof got === 'string') return t.skip(got);
        opened.push(got.store);
        await body(got.store, got.advance);
      });
    };

    test('gets what was set and forgets what was deleted', async (s) => {
      assert.equal(await s.get('sticky:session', 'abc'), undefined);
      await s.set('sticky:session', 'abc', 'minimax', 60);
      assert.equal(await s.get('sticky:session', 'abc'), 'minimax');
      assert.equal(await s.get('sticky:client', 'abc'), undefined, 'namespaces are separate');
      await s.delete('sticky:session', 'abc');
      assert.equal(await s.get('sticky:session', 'abc'), undefined);
      await s.delete('sticky:session', 'never-set');
    });

    test('keeps a value set without a TTL', async (s, advance) => {
      await s.set('sticky:global', 'global', 'minimax');
      await advance(1100);
      assert.equal(await s.get('sticky:global', 'global'), 'minimax');
    });

    test('expires values after their TTL', async (s, advance) => {
      await s.set('sticky:global', 'global', 'b', 1);
      await s.set('thinking', 'f'.repeat(64), '1', 1);
      await s.set('sticky:session', 'later', 'b', 60);
      await advance(1100);
      assert.equal(await s.get('sticky:global', 'global'), undefined);
      assert.deepEqual(await s.hasMany('thinking', ['f'.repeat(64)]), [false]);
      assert.equal(await s.get('sticky:session', 'later'), 'b', 'a longer TTL still holds');
    });

    // TTLs come from durations such as `sticky_ttl: 1500ms`, so a TTL in seconds may have a fraction.
    test('expires values and counters after a TTL with a fraction of a second', async (s, advance) => {
      await s.set('sticky:session', 'short', 'minimax', 0.2);
      await s.incrBy('budget', 'short', 3, 0.2);
      await s.set('sticky:session', 'long', 'minimax', 60);
      await advance(600);
      assert.equal(await s.get('sticky:session', 'short'), undefined, 'a 200 ms TTL is over after 600 ms');
      assert.equal(await s.incrBy('budget', 'short', 1, 60), 1, 'the 200 ms counter starts again');
      assert.equal(await s.get('sticky:session', 'long'), 'minimax');
    });

    test('answers hasMany in order', async (s) => {
      await s.set('thinking', 'a'.repeat(64), '1', 60);
      await s.set('thinking', 'c'.repeat(64), '1', 60);
      assert.deepEqual(await s.hasMany('thinking', ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)]), [true, false, true]);
      assert.deepEqual(await s.hasMany('thinking', []), []);
    });

    test('adds to counters without losing concurrent increments, and expires them from their creation', async (s, advance) => {
      await Promise.all(Array.from({ length: 25 }, () => s.incrBy('budget', 'c1-day', 0.5, 60)));
      assert.equal(await s.incrBy('budget', 'c1-day', 0, 60), 12.5);
      await s.incrBy('budget', 'short', 3, 1);
      await s.incrBy('budget', 'short', 4, 1000);
      await advance(1100);
      assert.equal(await s.incrBy('budget', 'short', 1, 60), 1, 'the first TTL applied; the counter starts again');
    });

    test('counts sticky sessions by value', async (s) => {
      if (!s.countByValue) return;
      await s.set('sticky:session', 's1', 'minimax', 60);
      await s.set('sticky:session', 's2', 'minimax', 60);
      await s.set('sticky:session', 's3', 'other', 60);
      await s.set('sticky:client', 'c1', 'minimax', 60);
      assert.deepEqual(await s.countByValue('sticky:session'), { minimax: 2, other: 1 });
    });

    test('adds to record fields without losing concurrent changes, and sets text fields', async (s) => {
      if (!s.updateRecord || !s.getRecord) return assert.fail('records are part of every bundled store');
      assert.equal(await s.getRecord('ledger:session', 'sess-a'), undefined);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => s.updateRecord!('ledger:session', 'sess-a', { add: { requests: 1, cost_usd: 0.25, input: 100 }, set: { upstream: `u${i % 2}` } }, 60)),
      );
      const got = await s.getRecord('ledger:session', 'sess-a');
      assert.equal(Number(got?.requests), 40);
      assert.equal(Number(got?.cost_usd), 10);
      assert.equal(Number(got?.input), 4000);
      assert.match(got?.upstream ?? '', /^u[01]$/);
      assert.equal(await s.getRecord('ledger:day', 'sess-a'), undefined, 'namespaces are separate');
    });

    test('lists records most recently changed first and forgets them after their TTL from the last change', async (s, advance) => {
      if (!s.updateRecord || !s.recentRecords) return assert.fail('records are part of every bundled store');
      for (const key of ['one', 'two', 'three']) {
        await s.updateRecord('ledger:session', key, { add: { requests: 1 }, set: {} }, key === 'two' ? 1 : 60);
        await advance(20);
      }
      await s.updateRecord('ledger:session', 'one', { add: {}, set: { model: 'm' } }, 60);
      assert.deepEqual((await s.recentRecords('ledger:session', 10)).map((r) => r.key), ['one', 'three', 'two']);
      assert.deepEqual((await s.recentRecords('ledger:session', 1)).map((r) => r.fields), [{ requests: '1', model: 'm' }]);
      await advance(1100);
      assert.deepEqual((await s.recentRecords('ledger:session', 10)).map((r) => r.key), ['one', 'three']);
      assert.equal(await s.getRecord!('ledger:session', 'two'), undefined);
    });
  });
}
