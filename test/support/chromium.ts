/**
 * A real headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: commands
 * on fd 3, replies and events on fd 4, each a JSON message ending in a NUL byte), so no WebSocket client is
 * needed. Protocol: https://chromedevtools.github.io/devtools-protocol/ . A page records console errors,
 * uncaught exceptions and browser log errors (CSP violations, failed loads).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { findBinary } from './metrics-helpers.js';

type Json = Record<string, unknown>;

/** Why a browser test skips. */
export const CHROMIUM_MISSING = 'chromium not found (PATH, /usr/bin or $CHROMIUM; Debian package chromium); this test fails instead of skipping when CI is set';

/** The Chromium binary, or undefined after skipping the test (failing it when CI is set). */
export function requireChromium(t: TestContext): string | undefined {
  const bin = findBinary('chromium') ?? findBinary('chromium-browser');
  if (bin) return bin;
  if (process.env.CI) assert.fail(CHROMIUM_MISSING);
  t.skip(CHROMIUM_MISSING);
  return undefined;
}

/** One tab, attached with its own protocol session. */
export interface Page {
  /** Console errors, exceptions and log errors seen so far. */
  errors: string[];
  /** Navigates and resolves once the load event fired. */
  goto(url: string): Promise<void>;
  /** Evaluates an expression in the page and returns its value. */
  evaluate<T>(expression: string): Promise<T>;
}

/** A running browser. */
export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Starts headless Chromium with a temporary profile. */
export async function launchChromium(bin: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'mmexec-chromium-'));
  const args = ['--headless=new', '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check', '--disable-gpu', '--disable-extensions', '--disable-background-networking', '--disable-sync', '--metrics-recording-only', '--mute-audio', '--window-size=1400,1000'];
  if (process.getuid?.() === 0) args.push('--no-sandbox'); // Chromium refuses its sandbox as root
  const proc = spawn(bin, [...args, 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const conn = new Connection(proc.stdio[3] as Writable, proc.stdio[4] as Readable, proc);
  const version = await conn.send('Browser.getVersion', {}, undefined, 20_000).catch((err: unknown) => {
    proc.kill('SIGKILL');
    throw new Error(`chromium did not answer: ${(err as Error).message}\n${stderr}`);
  });
  assert.ok(version.product);
  return {
    newPage: () => openPage(conn),
    close: async () => {
      const exited = proc.exitCode === null ? once(proc, 'exit') : Promise.resolve();
      await conn.send('Browser.close', {}).catch(() => proc.kill('SIGKILL'));
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function openPage(conn: Connection): Promise<Page> {
  const { targetId } = (await conn.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
  const { sessionId } = (await conn.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  const errors: string[] = [];
  conn.on(sessionId, (method, params) => {
    if (method === 'Runtime.consoleAPICalled' && params.type === 'error') errors.push(`console.error: ${JSON.stringify(params.args)}`);
    if (method === 'Runtime.exceptionThrown') errors.push(`exception: ${JSON.stringify((params.exceptionDetails as Json)?.exception ?? params)}`);
    if (method === 'Log.entryAdded' && (params.entry as Json)?.level === 'error') errors.push(`log: ${String((params.entry as Json).text)} ${String((params.entry as Json).url ?? '')}`);
  });
  for (const domain of ['Runtime', 'Log', 'Page']) await conn.send(`${domain}.enable`, {}, sessionId);
  return {
    errors,
    goto: async (url) => {
      const loaded = conn.next(sessionId, 'Page.loadEventFired');
      const nav = (await conn.send('Page.navigate', { url }, sessionId)) as { errorText?: string };
      if (nav.errorText) throw new Error(`navigation failed: ${nav.errorText}`);
      await loaded;
    },
    evaluate: async <T>(expression: string): Promise<T> => {
      const r = (await conn.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)) as { result: { value: T }; exceptionDetails?: Json };
      if (r.exceptionDetails) throw new Error(`evaluation failed: ${JSON.stringify(r.exceptionDetails)}`);
      return r.result.value;
    },
  };
}

type Listener = (method: string, params: Json) => void;

/** The protocol over the two pipes: numbered commands, their replies, and events per session. */
class Connection {
  private nextId = 1;
  private buffered = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve(v: Json): void; reject(e: Error): void }>();
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    private readonly input: Writable,
    output: Readable,
    proc: ChildProcess,
  ) {
    output.on('data', (chunk: Buffer) => this.receive(chunk));
    proc.once('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  send(method: string, params: Json, sessionId?: string, timeoutMs = 30_000): Promise<Json> {
    const id = this.nextId++;
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  on(sessionId: string, listener: Listener): void {
    this.listeners.set(sessionId, [...(this.listeners.get(sessionId) ?? []), listener]);
  }

  /** Resolves at the next event `method` of a session. */
  next(sessionId: string, method: string): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      this.on(sessionId, (m) => {
        if (!done && m === method) {
          done = true;
          resolve();
        }
      });
    });
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (let end = this.buffered.indexOf(0); end >= 0; end = this.buffered.indexOf(0)) {
      const msg = JSON.parse(this.buffered.subarray(0, end).toString('utf8')) as Json;
      this.buffered = this.buffered.subarray(end + 1);
      if (typeof msg.id === 'number') {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        const error = msg.error as { message?: string } | undefined;
        if (error) p?.reject(new Error(`${error.message ?? 'protocol error'}`));
        else p?.resolve((msg.result as Json) ?? {});
      } else if (typeof msg.method === 'string') {
        for (const l of this.listeners.get(String(msg.sessionId ?? '')) ?? []) l(msg.method, (msg.params as Json) ?? {});
      }
    }
  }
}
