/** The session ledger merges finished requests in memory and writes each record once per flush window. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LedgerEntry } from '../../../src/ledger/ledger-entry.js';
import { FLUSH_MS, SessionLedger } from '../../../src/ledger/session-ledger.js';
import { createLogger } from '../../../src/log.js';
import { NULL_RECORDER } from '../../../src/metrics/types.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import { StateErrors } from '../../../src/state/state-errors.js';
import type { RecordChange, RecordNamespace } from '../../../src/state/store.js';

const at = new Date('2026-12-02T10:00:00Z');

function entry(over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    session: 's1',
    client: undefined,
    route: 'default',
    upstream: 'anthropic',
    provider: 'anthropic',
    model: 'claude-opus-4-5',
    forwarded: true,
    status: 200,
    errorType: undefined,
    failed: false,
    tokens: { input: 10, output: 5, cache_read: 2, cache_write_5m: 1, cache_write_1h: 0 },
    costUsd: 0.001,
    savedUsd: 0,
    at,
    ...over,
  };
}

/** A memory store that counts its record writes (and can be told to fail them). */
class CountingStore extends MemoryStore {
  writes: Array<{ ns: RecordNamespace; key: string }> = [];
  failing = false;
  override async updateRecord(ns: RecordNamespace, key: string, change: RecordChange, ttl: number): Promise<void> {
    this.writes.push({ ns, key });
    if (this.failing) throw new Error('store down');
    return super.updateRecord(ns, key, change, ttl);
  }
}

function ledgerOn(store: CountingStore): { ledger: SessionLedger; failures: string[] } {
  const failures: string[] = [];
  const errors = new StateErrors(NULL_RECORDER, createLogger({ silent: true }));
  const failed = errors.failed.bind(errors);
  errors.failed = (op, err, fields) => {
    failures.push(op);
    failed(op, err, fields);
  };
  return { ledger: new SessionLedger(store, errors, () => 3600), failures };
}

describe('session ledger batching', () => {
  it('writes one change per record for many requests finished within a window, with the same totals', async () => {
    const store = new CountingStore();
    const { ledger } = ledgerOn(store);
    const done: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) done.push(ledger.record(entry({ model: i === 49 ? 'last-model' : 'claude-opus-4-5' })));
    assert.equal(store.writes.length, 0, 'nothing is written while the window is open');
    await Promise.all(done);
    assert.deepEqual(store.writes.map((w) => w.ns).sort(), ['ledger:day', 'ledger:session']);
    const view = await ledger.get('s1');
    assert.equal(view?.requests, 50);
    assert.equal(view?.tokens.input, 500);
    assert.equal(view?.tokens.cache_write, 50);
    assert.equal(view?.model, 'last-model', 'strings: the last request wins');
    assert.equal((await ledger.day(at)).requests, 50);
  });

  it('resolves a recorded change within the flush window, without a read', async () => {
    const store = new CountingStore();
    const { ledger } = ledgerOn(store);
    const started = performance.now();
    await ledger.record(entry());
    const waited = performance.now() - started;
    assert.equal(store.writes.length, 2);
    assert.ok(waited >= FLUSH_MS - 5, `waited ${waited.toFixed(1)} ms for the window`);
  });

  it('reads include the requests still waiting to be written', async () => {
    const store = new CountingStore();
    const { ledger } = ledgerOn(store);
    void ledger.record(entry());
    void ledger.record(entry({ session: 's2' }));
    assert.equal((await ledger.get('s1'))?.requests, 1);
    assert.deepEqual((await ledger.recent(10)).map((v) => v.session).sort(), ['s1', 's2']);
    assert.equal(store.writes.length, 3, 'one flush: two sessions and the day');
  });

  it('flush writes what is waiting at once (shutdown) and a later request starts a new window', async () => {
    const store = new CountingStore();
    const { ledger } = ledgerOn(store);
    void ledger.record(entry());
    await ledger.flush();
    assert.equal(store.writes.length, 2);
    await ledger.flush();
    assert.equal(store.writes.length, 2, 'an empty flush writes nothing');
    await ledger.record(entry());
    assert.equal(store.writes.length, 4);
    assert.equal((await ledger.get('s1'))?.requests, 2);
  });

  it('a failing store is reported as a ledger_update failure and never rejects', async () => {
    const store = new CountingStore();
    store.failing = true;
    const { ledger, failures } = ledgerOn(store);
    await ledger.record(entry());
    assert.deepEqual(failures, ['ledger_update']);
    store.failing = false;
    await ledger.record(entry());
    assert.equal((await ledger.get('s1'))?.requests, 1, 'the failed window is lost, the next one is written');
  });
});
