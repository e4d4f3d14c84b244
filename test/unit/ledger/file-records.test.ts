/** Ledger records in the file store across a restart and its sweep, and what one request changes in them. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dayChange, sessionChange, type LedgerEntry } from '../../../src/ledger/ledger-entry.js';
import { sessionView } from '../../../src/ledger/session-view.js';
import { applyChange } from '../../../src/state/record-change.js';
import { FileStore } from '../../../src/state/file-store.js';

const change = { add: { requests: 1 }, set: {} };

describe('file store records', () => {
  it('lists the records a previous process wrote, most recent first, as one file each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-ledger-'));
    try {
      const clock = { now: Date.now() };
      const first = new FileStore(dir, () => {}, () => clock.now);
      await first.open();
      for (const key of ['a', 'b', 'c']) {
        await first.updateRecord('ledger:session', key, change, 3600);
        clock.now += 1000;
      }
      await first.updateRecord('ledger:session', 'a', change, 3600);
      await first.close();
      assert.deepEqual(readdirSync(join(dir, 'ledger', 'session')).sort(), ['a.json', 'b.json', 'c.json'], 'no temp files left');
      const second = new FileStore(dir, () => {}, () => clock.now);
      await second.open();
      assert.deepEqual((await second.recentRecords('ledger:session', 10)).map((r) => [r.key, r.fields.requests]), [['a', '2'], ['c', '1'], ['b', '1']]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes records past their TTL in the sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-ledger-'));
    try {
      const clock = { now: Date.now() };
      const s = new FileStore(dir, () => {}, () => clock.now, { intervalMs: 0, batch: 100 });
      await s.updateRecord('ledger:session', 'old', change, 10);
      await s.updateRecord('ledger:day', '2026-01-01', change, 1000);
      clock.now += 11_000;
      await s.sweep();
      await s.sweep();
      assert.equal(existsSync(join(dir, 'ledger', 'session', 'old.json')), false);
      assert.equal(existsSync(join(dir, 'ledger', 'day', '2026-01-01.json')), true);
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  session: 's', client: undefined, route: 'default', upstream: 'anthropic', provider: 'anthropic', model: 'claude-opus-4-8',
  forwarded: true, status: 200, errorType: undefined, failed: false,
  tokens: { input: 10, output: 5, cache_read: 0, cache_write_5m: 2, cache_write_1h: 3 }, costUsd: 0.01, savedUsd: 0, at: new Date('2026-03-07T10:00:00Z'),
  ...over,
});

describe('ledger changes of one request', () => {
  it('keeps the current route and model when a local reply or a failure follows', () => {
    let fields = applyChange({}, sessionChange(entry({})));
    fields = applyChange(fields, sessionChange(entry({ route: 'mmstatus', upstream: 'local', provider: 'none', model: 'unknown', forwarded: false, tokens: { input: 0, output: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0 }, costUsd: 0 })));
    fields = applyChange(fields, sessionChange(entry({ status: 429, failed: true, model: 'claude-opus-4-8', costUsd: 0, tokens: { input: 0, output: 0, cache_read: 0, cache_write_5m: 0, cache_write_1h: 0 } })));
    const v = sessionView('s', fields);
    assert.equal(v.route, 'default');
    assert.equal(v.upstream, 'anthropic');
    assert.equal(v.model, 'claude-opus-4-8');
    assert.equal(v.requests, 3);
    assert.deepEqual(v.tokens, { input: 10, output: 5, cache_read: 0, cache_write: 5 });
    assert.deepEqual(v.last_error, { status: 429, type: 'rate_limit_error', at: '2026-03-07T10:00:00.000Z' });
  });

  it('adds a client\'s spend to the day and ignores negative or invalid amounts', () => {
    assert.deepEqual(dayChange(entry({ client: 'frontend', costUsd: 0.5, savedUsd: -1 })).add, { requests: 1, cost_usd: 0.5, saved_usd: 0, 'cost_usd@frontend': 0.5 });
    assert.deepEqual(dayChange(entry({ costUsd: Number.NaN })).add, { requests: 1, cost_usd: 0, saved_usd: 0 });
  });
});
