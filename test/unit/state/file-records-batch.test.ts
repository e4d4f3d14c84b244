/** The file store's records: changes to one file that wait for its previous write are applied by one write. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileRecords, type Exclusive } from '../../../src/state/file-records.js';

/** Records over a plain per-file queue that counts the writes it runs. */
function setup(): { records: FileRecords; writes: () => number; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-frb-'));
  const busy = new Map<string, Promise<unknown>>();
  let runs = 0;
  const exclusive: Exclusive = (file, fn) => {
    const run = (busy.get(file) ?? Promise.resolve()).then(() => {
      runs++;
      return fn();
    });
    busy.set(file, run.catch(() => undefined));
    return run;
  };
  return { records: new FileRecords(dir, exclusive, () => {}, () => Date.now()), writes: () => runs, dir };
}

describe('file records, concurrent changes', () => {
  it('applies every one of 50 concurrent changes, in fewer writes than changes', async () => {
    const { records, writes, dir } = setup();
    try {
      await records.update('ledger:session', 's1', { add: { requests: 0 }, set: {} }, 3600);
      const before = writes();
      await Promise.all(Array.from({ length: 50 }, (_, i) => records.update('ledger:session', 's1', { add: { requests: 1, tokens: i }, set: { last: String(i) } }, 3600)));
      const fields = await records.get('ledger:session', 's1');
      assert.equal(fields?.requests, '50');
      assert.equal(fields?.tokens, String((49 * 50) / 2));
      assert.equal(fields?.last, '49', 'changes apply in the order they were made');
      assert.ok(writes() - before < 50, `expected fewer than 50 writes, got ${writes() - before}`);
      const onDisk = JSON.parse(readFileSync(join(dir, 'ledger', 'session', 's1.json'), 'utf8')) as { fields: Record<string, string> };
      assert.equal(onDisk.fields.requests, '50');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a change made while a write runs lands in the next write', async () => {
    const { records, dir } = setup();
    try {
      const first = records.update('ledger:day', '2026-01-01', { add: { requests: 1 }, set: {} }, 3600);
      await new Promise((r) => setImmediate(r));
      const second = records.update('ledger:day', '2026-01-01', { add: { requests: 2 }, set: {} }, 3600);
      await Promise.all([first, second]);
      assert.equal((await records.get('ledger:day', '2026-01-01'))?.requests, '3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
