/** BytesMemo: one computation per distinct byte string, by content, bounded. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BytesMemo } from '../../../src/body/bytes-memo.js';

describe('BytesMemo', () => {
  it('computes once for bytes seen before, by content rather than by buffer', () => {
    const memo = new BytesMemo<string>();
    let calls = 0;
    const compute = (b: Buffer): string => (calls++, b.toString('latin1').toUpperCase());
    assert.equal(memo.get(Buffer.from('[{"name":"a"}]'), compute), '[{"NAME":"A"}]');
    assert.equal(memo.get(Buffer.from('[{"name":"a"}]'), compute), '[{"NAME":"A"}]');
    assert.equal(calls, 1);
    assert.equal(memo.get(Buffer.from('[{"name":"b"}]'), compute), '[{"NAME":"B"}]', 'same length, other bytes');
    assert.equal(calls, 2);
  });

  it('computes from its own copy: changing the caller buffer later changes nothing', () => {
    const memo = new BytesMemo<number>();
    const buf = Buffer.from('abc');
    memo.get(buf, (copy) => (assert.notEqual(copy, buf), 1));
    buf.write('xyz');
    assert.equal(memo.get(Buffer.from('abc'), () => 2), 1);
    assert.equal(memo.get(Buffer.from('xyz'), () => 3), 3);
  });

  it('drops the oldest entries past its entry and byte bounds, and never keeps bytes over the byte bound', () => {
    const memo = new BytesMemo<number>(2, 10);
    let calls = 0;
    const count = (): number => ++calls;
    memo.get(Buffer.from('aaaa'), count);
    memo.get(Buffer.from('bbbb'), count);
    memo.get(Buffer.from('cccc'), count); // over 2 entries: 'aaaa' goes
    assert.equal(calls, 3);
    memo.get(Buffer.from('cccc'), count);
    memo.get(Buffer.from('bbbb'), count);
    assert.equal(calls, 3, 'the two newest are remembered');
    memo.get(Buffer.from('aaaa'), count); // 'cccc' was used least recently: it goes
    assert.equal(calls, 4, 'the oldest was dropped');
    memo.get(Buffer.from('bbbb'), count);
    assert.equal(calls, 4, 'a hit counts as a use');
    memo.get(Buffer.from('cccc'), count);
    assert.equal(calls, 5);
    memo.get(Buffer.from('0123456789ab'), count);
    memo.get(Buffer.from('0123456789ab'), count);
    assert.equal(calls, 7, 'bytes larger than the bound are computed each time');
  });
});
