/** State store failures: each counted, one warning per outage, the recovery logged with the counts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NULL_RECORDER, type StateOperation } from '../../../src/metrics/types.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import { ObservedStore, StateErrors } from '../../../src/state/state-errors.js';
import type { StateNamespace } from '../../../src/state/store.js';
import { captureLogger, type LogEntry } from '../../support/team-gateway.js';

/** A memory store whose calls reject while `down` is set (a disk or network failure). */
class FlakyStore extends MemoryStore {
  down = false;
  override async get(ns: StateNamespace, key: string): Promise<string | undefined> {
    if (this.down) throw new Error('EIO: i/o error');
    return super.get(ns, key);
  }
}

describe('state store errors', () => {
  const setup = (): { logs: LogEntry[]; counted: string[]; errors: StateErrors; inner: FlakyStore; store: ObservedStore } => {
    const logs: LogEntry[] = [];
    const counted: string[] = [];
    const errors = new StateErrors({ ...NULL_RECORDER, stateError: (op) => counted.push(op) }, captureLogger('t', logs));
    const inner = new FlakyStore();
    return { logs, counted, errors, inner, store: new ObservedStore(inner, errors) };
  };
  const fail = async (s: ReturnType<typeof setup>, op: StateOperation): Promise<void> => {
    await s.store.get('sticky:session', 'k').then(
      () => assert.fail('the call should fail'),
      (err: unknown) => s.errors.failed(op, err, { request_id: 'r1' }),
    );
  };

  it('warns once for a run of failures, counts each, and logs the recovery at the next success', async () => {
    const s = setup();
    s.inner.down = true;
    for (let i = 0; i < 5; i++) await fail(s, 'sticky_get');
    await fail(s, 'budget_get');
    assert.deepEqual(s.counted, ['sticky_get', 'sticky_get', 'sticky_get', 'sticky_get', 'sticky_get', 'budget_get']);
    const warns = s.logs.filter((l) => l.level === 'warn');
    assert.equal(warns.length, 1);
    assert.equal(warns[0]!.op, 'sticky_get');
    assert.equal(warns[0]!.error, 'EIO: i/o error');
    assert.equal(warns[0]!.request_id, 'r1');
    s.inner.down = false;
    assert.equal(await s.store.get('sticky:session', 'k'), undefined);
    const info = s.logs.filter((l) => l.level === 'info');
    assert.equal(info.length, 1);
    assert.match(info[0]!.message, /state store available again/);
    assert.deepEqual(info[0]!.failures, { sticky_get: 5, budget_get: 1 });
    await s.store.get('sticky:session', 'k');
    assert.equal(s.logs.length, 2, 'nothing more is logged while healthy');
    s.inner.down = true;
    await fail(s, 'sticky_get');
    assert.equal(s.logs.filter((l) => l.level === 'warn').length, 2, 'a new outage warns again');
  });

  it('counts failures after a store reported its own outage without warning again', async () => {
    const s = setup();
    s.errors.unavailable('connect ECONNREFUSED 127.0.0.1:6379');
    s.inner.down = true;
    await fail(s, 'sticky_get');
    assert.deepEqual(s.counted, ['sticky_get']);
    assert.deepEqual(s.logs.map((l) => [l.level, l.error]), [['warn', 'connect ECONNREFUSED 127.0.0.1:6379']]);
    s.errors.recovered();
    assert.deepEqual(s.logs.at(-1)!.failures, { sticky_get: 1 });
  });

  it('passes the wrapped store through: kind, values, status', async () => {
    const s = setup();
    await s.store.set('sticky:session', 'a', 'minimax', 60);
    assert.equal(await s.store.get('sticky:session', 'a'), 'minimax');
    assert.deepEqual(await s.store.hasMany('sticky:session', ['a', 'b']), [true, false]);
    assert.equal(await s.store.incrBy('budget', 'c', 2, 60), 2);
    assert.deepEqual(await s.store.countByValue!('sticky:session'), { minimax: 1 });
    assert.equal(s.store.kind, 'memory');
    assert.equal(s.store.status, undefined, 'no status when the wrapped store has none');
    await s.store.close();
  });
});
