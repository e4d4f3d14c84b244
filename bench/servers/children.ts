/**
 * Child-process management: start servers, wait until they listen, read their RSS, and always kill them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/** A running server child. */
export interface ServerChild {
  name: string;
  proc: ChildProcess;
  pid: number;
  port: number;
  url: string;
  logPath: string;
}

/** How to start a child. */
export interface ChildSpec {
  name: string;
  /** Arguments to `node` (execArgv and script). */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logPath: string;
  /** `stdout`: the child prints `listening <port>`; `healthz`: poll GET /healthz on `port`. */
  ready: { kind: 'stdout' } | { kind: 'healthz'; port: number };
  timeoutMs?: number;
}

const live = new Set<ChildProcess>();

/** Kills every child still running, synchronously (for exit handlers). */
export function killAllNow(): void {
  for (const proc of live) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
  live.clear();
}

process.on('exit', killAllNow);

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One GET; resolves with the status code (0 on connection error). */
export function httpStatus(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts a child and resolves once it is ready; rejects (after killing it) on exit or timeout. The child's
 * stdout and stderr go straight to its log file, so relaying logs costs the benchmark process nothing.
 */
export async function startChild(spec: ChildSpec): Promise<ServerChild> {
  const logFd = openSync(spec.logPath, 'w');
  const proc = spawn(process.execPath, spec.nodeArgs, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  live.add(proc);
  let exited = false;
  proc.once('exit', () => {
    exited = true;
    live.delete(proc);
  });
  const timeoutMs = spec.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let port = spec.ready.kind === 'healthz' ? spec.ready.port : 0;
  for (;;) {
    if (exited) throw new Error(`${spec.name} exited before it was ready:\n${tail(spec.logPath)}`);
    if (spec.ready.kind === 'stdout') {
      const match = /listening (\d+)/.exec(readFileSync(spec.logPath, 'utf8'));
      if (match?.[1]) {
        port = Number(match[1]);
        break;
      }
    } else if ((await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200) {
      break;
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${spec.name} not ready within ${timeoutMs} ms:\n${tail(spec.logPath)}`);
    }
    await delay(spec.ready.kind === 'stdout' ? 20 : 100);
  }
  if (proc.pid === undefined) throw new Error(`${spec.name} has no pid`);
  return { name: spec.name, proc, pid: proc.pid, port, url: `http://127.0.0.1:${port}`, logPath: spec.logPath };
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Optionally a different first signal. */
export async function stopChild(child: ServerChild, graceMs = 3000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const proc = child.proc;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in MB, from /proc/<pid>/status VmRSS. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}
