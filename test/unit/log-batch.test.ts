/** Log lines reach stderr in batches: in order, one write per event-loop turn, none lost at exit. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import winston from 'winston';
import { BatchedStderr } from '../../src/log-batch.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function logger(writes: string[]): { log: winston.Logger; transport: BatchedStderr } {
  const transport = new BatchedStderr((text) => writes.push(text));
  return { log: winston.createLogger({ format: winston.format.json(), transports: [transport] }), transport };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('batched log lines', () => {
  it('writes the lines of one event-loop turn together, in order', async () => {
    const writes: string[] = [];
    const { log, transport } = logger(writes);
    for (let i = 0; i < 5; i++) log.info(`line ${i}`, { n: i });
    await tick();
    await tick();
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0]!.trimEnd().split('\n').map((l) => (JSON.parse(l) as { n: number }).n), [0, 1, 2, 3, 4]);
    log.info('later');
    await tick();
    await tick();
    assert.equal(writes.length, 2);
    transport.close();
  });

  it('writes at once when 64 KB are waiting', () => {
    const writes: string[] = [];
    const { log, transport } = logger(writes);
    const big = 'x'.repeat(1000);
    for (let i = 0; i < 100; i++) log.info(big);
    assert.ok(writes.length >= 1, 'a write happened before the turn ended');
    transport.close();
  });

  it('writes the waiting lines when the process exits right after logging', () => {
    const script = `import { createLogger } from './src/log.ts';
const log = createLogger({ format: 'json' });
for (let i = 0; i < 3; i++) log.info('exit line', { n: i });
process.exit(0);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stderr.trim().split('\n').filter((l) => l.includes('exit line'));
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { n: number }).n), [0, 1, 2]);
  });
});
