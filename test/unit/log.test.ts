/** The logger: logFlat, the per-request line built without winston's pipeline, is the line winston would write. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, logFlat } from '../../src/log.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Lines written to stderr while `fn` runs (and the batch after it is flushed). */
async function stderrLines(fn: () => void): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    fn();
    await tick();
    await tick();
  } finally {
    process.stderr.write = original;
  }
  return written.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const fields = { request_id: 'req_1', route: 'default', status: 200, outcome: undefined, duration_ms: 1.25, cost_usd: 0.0012, converted: true };

describe('logFlat', () => {
  it('writes the same JSON line as log.log for flat fields, undefined ones left out', async () => {
    const log = createLogger({ format: 'json' });
    const [viaWinston, direct] = await stderrLines(() => {
      log.log('info', 'POST /v1/messages 200', { ...fields });
      logFlat(log, 'info', 'POST /v1/messages 200', { ...fields });
    });
    assert.ok(viaWinston && direct);
    assert.equal(typeof direct.timestamp, 'string');
    assert.deepEqual(Object.keys(direct), Object.keys(viaWinston), 'same keys in the same order');
    assert.deepEqual({ ...direct, timestamp: 0 }, { ...viaWinston, timestamp: 0 });
    assert.equal('outcome' in direct, false);
  });

  it('honours the level and silence, and hands nested fields and other loggers to winston', async () => {
    const quiet = createLogger({ format: 'json', level: 'warn' });
    const silent = createLogger({ format: 'json', silent: true });
    const pretty = createLogger({ format: 'pretty' });
    const lines = await stderrLines(() => {
      logFlat(quiet, 'info', 'dropped', fields);
      logFlat(quiet, 'warn', 'kept', fields);
      logFlat(silent, 'warn', 'silent', fields);
      logFlat(createLogger({ format: 'json' }), 'info', 'nested', { error: { message: 'x' } });
    });
    assert.deepEqual(lines.map((l) => l.message), ['kept', 'nested']);
    assert.deepEqual(lines[1]!.error, { message: 'x' });
    let seen: unknown[] = [];
    pretty.log = ((...args: unknown[]) => ((seen = args), pretty)) as typeof pretty.log;
    logFlat(pretty, 'info', 'to winston', fields);
    assert.deepEqual(seen, ['info', 'to winston', fields]);
  });
});
