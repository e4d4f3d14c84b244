/**
 * The gateway `mmexec claude` talks to: whether one answers at a URL, and starting one in the background
 * (`mmexec serve` as a detached process logging to a file) when none does.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The `mmexec` entry point this process runs from (the same build or sources). */
export const MMEXEC_BIN = fileURLToPath(new URL('../../../bin/mmexec.js', import.meta.url));

/** What a URL answered on `GET /healthz`. */
export type GatewayAnswer = 'running' | 'draining' | 'none' | 'other';

/** Asks `GET <url>/healthz`: a gateway answers JSON with its version (503 `draining` while it stops). */
export async function probeGateway(url: string, timeoutMs = 1000): Promise<GatewayAnswer> {
  let res: Response;
  try {
    res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return 'none';
  }
  const body = (await res.json().catch(() => undefined)) as { status?: unknown; version?: unknown } | undefined;
  if (typeof body?.version !== 'string') return 'other';
  return body.status === 'draining' ? 'draining' : 'running';
}

/** Polls until `until(answer)` holds or `timeoutMs` passes; resolves to the last answer. */
export async function waitForGateway(url: string, until: (a: GatewayAnswer) => boolean, timeoutMs: number, stillWorth: () => boolean = () => true): Promise<GatewayAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = await probeGateway(url, 500);
    if (until(a) || Date.now() >= deadline || !stillWorth()) return a;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How to start a background gateway. */
export interface GatewayLaunch {
  configPath: string;
  url: string;
  /** Given only when the URL did not come from the config, so the gateway listens where it is looked for. */
  listen?: { host: string; port: number };
  logFile: string;
  env: NodeJS.ProcessEnv;
}

/** Starts `mmexec serve` detached and resolves to its pid once it answers at the URL; throws with its log's end otherwise. */
export async function startBackgroundGateway(l: GatewayLaunch): Promise<number> {
  const args = [MMEXEC_BIN, 'serve', '--config', l.configPath, '--log-format', 'json'];
  if (l.listen) args.push('--host', l.listen.host, '--port', String(l.listen.port));
  const log = openSync(l.logFile, 'a', 0o600);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: l.env });
  closeSync(log);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  child.once('error', (err) => (exited = `did not start: ${err.message}`));
  const answer = await waitForGateway(l.url, (a) => a === 'running', 60_000, () => exited === undefined);
  if (answer !== 'running' || exited !== undefined || child.pid === undefined) {
    if (exited === undefined) child.kill('SIGTERM');
    throw new Error(`the gateway started in the background ${exited ?? `does not answer at ${l.url}`}; its log (${l.logFile}) ends:\n${logTail(l.logFile)}`);
  }
  child.unref();
  return child.pid;
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Whether process `pid` is alive (EPERM: alive, someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends SIGTERM (the gateway drains, then exits) and waits up to `timeoutMs` for the process to end. */
export async function stopGateway(pid: number, timeoutMs = 20_000): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !processAlive(pid);
}
