/**
 * A real redis-server per test on a free loopback port, without persistence. It can be stopped and started
 * again on the same port (to test outages). Missing binary: the test skips, or fails when CI is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { findBinary } from './metrics-helpers.js';
import { freePort } from './free-port.js';

/** A running (or stopped) test Redis. */
export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Why a Redis test skips. */
export const REDIS_MISSING = 'redis-server not found (PATH or /usr/bin; Debian package redis-server); this test fails instead of skipping when CI is set';

/** The redis-server path; undefined when it is missing (then throws when CI is set, so the suite fails). */
export function redisBinary(): string | undefined {
  const bin = findBinary('redis-server');
  if (!bin && process.env.CI) throw new Error(REDIS_MISSING);
  return bin;
}

/** Resolves once something accepts TCP connections on the port and answers PING. */
async function waitReady(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => s.write('PING\r\n'));
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts redis-server on a free port: `--save '' --appendonly no`. */
export async function startRedis(bin: string): Promise<TestRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const p = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    proc = p;
    await waitReady(port, p);
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = once(p, 'exit');
    p.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop, close: stop };
}
