import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/state/redis-store.js';
import { storeConformance } from '../../support/store-conformance.js';
import { captureLogger, eventually, type LogEntry } from '../../support/team-gateway.js';
import { REDIS_MISSING, redisBinary, startRedis, type TestRedis } from '../../support/redis-server.js';

describe('redis state store', () => {
  let redis: TestRedis | undefined;
  let raw: Redis;
  const logs: LogEntry[] = [];
  const stores: RedisStore[] = [];
  const open = (prefix = 't:'): RedisStore => {
    const s = new RedisStore(redis!.url, prefix, captureLogger('store', logs));
    stores.push(s);
    return s;
  };

  before(async () => {
    const bin = redisBinary();
    if (!bin) return;
    redis = await startRedis(bin);
    raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    raw.on('error', () => {});
    await raw.connect();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    raw?.disconnect();
    await redis?.close();
  });

  let conformancePrefix = 0;
  storeConformance('redis', async () => {
    if (!redis) return REDIS_MISSING;
    return { store: open(`conf${++conformancePrefix}:`), advance: (ms) => new Promise((r) => setTimeout(r, ms)) };
  });

  it('gets what was set under its prefix and forgets what was deleted', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const s = open('p1:');
    assert.equal(await s.get('sticky:session', 'abc'), undefined);
    await s.set('sticky:session', 'abc', 'minimax', 60);
    assert.equal(await s.get('sticky:session', 'abc'), 'minimax');
    assert.equal(await raw.get('p1:sticky:session:abc'), 'minimax');
    assert.equal(await s.get('sticky:client', 'abc'), undefined, 'namespaces are separate');
    assert.equal(await open('p2:').get('sticky:session', 'abc'), undefined, 'prefixes are separate');
    await s.delete('sticky:session', 'abc');
    assert.equal(await s.get('sticky:session', 'abc'), undefined);
  });

  it('sets TTLs, and a counter keeps the TTL of its creation', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const s = open('ttl:');
    await s.set('thinking', 'a'.repeat(64), '1', 10);
    const ttl = await raw.pttl(`ttl:thinking:${'a'.repeat(64)}`);
    assert.ok(ttl > 0 && ttl <= 10_000, `ttl ${ttl}`);
    await s.set('sticky:global', 'global', 'minimax');
    assert.equal(await raw.pttl('ttl:sticky:global:global'), -1, 'no TTL when none is given');
    await s.incrBy('budget', 'c.d', 5, 60);
    await s.incrBy('budget', 'c.d', 5, 100_000);
    const counterTtl = await raw.ttl('ttl:budget:c.d');
    assert.ok(counterTtl > 0 && counterTtl <= 60, `counter ttl ${counterTtl}`);
  });

  it('answers hasMany in order and counts values', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const s = open('hm:');
    await s.set('thinking', 'a'.repeat(64), '1', 60);
    await s.set('thinking', 'c'.repeat(64), '1', 60);
    assert.deepEqual(await s.hasMany('thinking', ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)]), [true, false, true]);
    await s.set('sticky:session', 's1', 'minimax', 60);
    await s.set('sticky:session', 's2', 'minimax', 60);
    await s.set('sticky:session', 's3', 'other', 60);
    assert.deepEqual(await s.countByValue!('sticky:session'), { minimax: 2, other: 1 });
  });

  it('loses no increment when two connections add concurrently', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const [a, b] = [open('inc:'), open('inc:')];
    await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).incrBy('budget', 'x', 7, 60)));
    assert.equal(await a.incrBy('budget', 'x', 0, 60), 700);
  });

  it('rejects at once while Redis is down, reports degraded, and recovers after a restart', async (t) => {
    if (!redis) return t.skip(REDIS_MISSING);
    const s = open('down:');
    await s.set('sticky:session', 'k', 'v', 60);
    assert.equal(s.status(), 'ok');
    await redis.stop();
    await eventually(() => s.status() === 'degraded', 'the store to notice the outage');
    const started = performance.now();
    await assert.rejects(s.get('sticky:session', 'k'), /not connected/);
    assert.ok(performance.now() - started < 500, 'no waiting for a reconnect');
    assert.ok(logs.some((l) => l.level === 'warn' && /unavailable/.test(l.message)), 'a warning was logged');
    await redis.start();
    await eventually(() => s.status() === 'ok', 'the store to reconnect');
    await s.set('sticky:session', 'k', 'again', 60);
    assert.equal(await s.get('sticky:session', 'k'), 'again');
  });
});
