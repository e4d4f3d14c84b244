/**
 * Drives the real Claude Code CLI in stream-json mode against a loopback base URL, one turn at a time.
 * The child gets a scrubbed environment, a temp HOME, no retries (unless asked) and a dead proxy for anything
 * not on loopback.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claudeRelease, DEFAULT_VERSION } from './claude-releases.js';

/** Options for one Claude Code process. */
export interface ClaudeOptions {
  /** Must be a loopback URL (127.0.0.1, localhost or ::1); a path prefix is kept by Claude Code. */
  baseUrl: string;
  /** Sent as `x-api-key` (default `sk-ant-test-key` unless authToken is given). */
  apiKey?: string;
  /** Sent as `Authorization: Bearer`. */
  authToken?: string;
  /** Extra headers on every request (ANTHROPIC_CUSTOM_HEADERS). */
  customHeaders?: Record<string, string>;
  /** HOME for the child; default a fresh temp dir removed on close. */
  home?: string;
  /** Working directory; default HOME. */
  cwd?: string;
  /** `--model` value. */
  model?: string;
  /** More CLI arguments (e.g. `['--resume', id]`). */
  extraArgs?: string[];
  /** More environment variables (applied last). */
  env?: Record<string, string>;
  /** Default per-turn timeout (default 45 s). */
  turnTimeoutMs?: number;
  /** Allow side requests such as session-title generation (default false: CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1). */
  nonessentialTraffic?: boolean;
  /** The CLI binary (default: the matrix release DEFAULT_VERSION, see claude-releases.ts). */
  bin?: string;
  /** CLAUDE_CODE_MAX_RETRIES (default 0); `'default'` leaves it unset, so Claude Code retries as it does for users. */
  maxRetries?: number | 'default';
  /** `--tools` value (default '': no tools); e.g. `Bash` for a tool loop. */
  tools?: string;
  /** `--allowedTools` value, so tools run without a permission prompt (e.g. `Bash`). */
  allowedTools?: string;
}

/** One line Claude Code printed on stdout. */
export interface ClaudeEvent {
  type: string;
  subtype?: string;
  [key: string]: unknown;
}

/** What one turn produced. */
export interface TurnResult {
  is_error: boolean;
  result: string;
  /** The `result` event itself. */
  resultEvent: ClaudeEvent;
  /** Every event printed during this turn, result included. */
  events: ClaudeEvent[];
}

/** A running Claude Code process. */
export interface ClaudeSession {
  pid: number;
  home: string;
  /** Session id from the first `system/init` event (undefined until the first turn starts). */
  sessionId(): string | undefined;
  /** Sends one user message and waits for the next `result` event. */
  turn(text: string, opts?: { timeoutMs?: number }): Promise<TurnResult>;
  /** Writes one user message now without waiting (text typed while a turn runs, e.g. during a tool call). */
  type(text: string): void;
  /** Writes one raw stream-json line now (e.g. a `control_request`). */
  send(line: Record<string, unknown>): void;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Every stdout event so far. */
  events: ClaudeEvent[];
  /** Ends the process (stdin closed, then SIGKILL to its process group) and removes a temp HOME. */
  close(): Promise<void>;
}

const DEFAULT_BIN = claudeRelease(DEFAULT_VERSION).bin;
const DEAD_PROXY = 'http://127.0.0.1:9';
const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

function killGroup(child: ChildProcessWithoutNullStreams): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the child leads its own group (detached): this also ends its helpers
  } catch {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c);
  });
}

function assertLoopback(baseUrl: string): void {
  const host = new URL(baseUrl).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`claude-cli: refusing non-loopback base URL ${baseUrl}`);
  }
}

/** Builds the child's environment from scratch (nothing inherited but PATH). */
export function claudeEnv(opts: ClaudeOptions, home: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    ANTHROPIC_BASE_URL: opts.baseUrl,
    CLAUDE_CODE_MAX_RETRIES: '0',
    CLAUDE_CODE_DISABLE_NONSTREAMING_FALLBACK: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_BUG_COMMAND: '1',
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    ALL_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
  };
  if (opts.maxRetries === 'default') delete env.CLAUDE_CODE_MAX_RETRIES;
  else if (opts.maxRetries !== undefined) env.CLAUDE_CODE_MAX_RETRIES = String(opts.maxRetries);
  if (!opts.nonessentialTraffic) env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC = '1';
  if (opts.authToken !== undefined) env.ANTHROPIC_AUTH_TOKEN = opts.authToken;
  if (opts.apiKey !== undefined || opts.authToken === undefined) env.ANTHROPIC_API_KEY = opts.apiKey ?? 'sk-ant-test-key';
  if (opts.customHeaders) {
    env.ANTHROPIC_CUSTOM_HEADERS = Object.entries(opts.customHeaders)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
  }
  return { ...env, ...opts.env };
}

/** Starts Claude Code in `-p` stream-json mode with no tools, pointed at a loopback base URL. */
export function startClaude(opts: ClaudeOptions): ClaudeSession {
  assertLoopback(opts.baseUrl);
  const ownHome = opts.home === undefined;
  const home = opts.home ?? mkdtempSync(join(tmpdir(), 'mmexec-claude-'));
  const args = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--tools', opts.tools ?? ''];
  if (opts.allowedTools !== undefined) args.push('--allowedTools', opts.allowedTools);
  if (opts.model) args.push('--model', opts.model);
  args.push(...(opts.extraArgs ?? []));
  const child = spawn(opts.bin ?? DEFAULT_BIN, args, {
    cwd: opts.cwd ?? home,
    env: claudeEnv(opts, home),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  installExitHook();
  live.add(child);
  const events: ClaudeEvent[] = [];
  let stderr = '';
  let buffer = '';
  let exitInfo: string | undefined;
  let notify: (() => void) | undefined;
  const wake = (): void => notify?.();

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as ClaudeEvent);
      } catch {
        events.push({ type: 'unparsed', line });
      }
    }
    wake();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    stderr += c;
  });
  child.stdin.on('error', () => undefined);
  child.on('exit', (code, signal) => {
    exitInfo = `exited with code ${code} signal ${signal}`;
    live.delete(child);
    wake();
  });
  child.on('error', (err) => {
    exitInfo = `failed to start: ${err.message}`;
    live.delete(child);
    wake();
  });

  const turnTimeout = opts.turnTimeoutMs ?? 45_000;
  let chain: Promise<unknown> = Promise.resolve();
  const describe = (why: string): string =>
    `claude-cli: ${why}\n--- stderr ---\n${stderr.slice(-4000)}\n--- last events ---\n` +
    events
      .slice(-8)
      .map((e) => JSON.stringify(e).slice(0, 600))
      .join('\n');

  const send = (line: Record<string, unknown>): void => {
    child.stdin.write(`${JSON.stringify(line)}\n`);
  };
  const writeUser = (text: string): void => send({ type: 'user', message: { role: 'user', content: text } });

  const runTurn = (text: string, timeoutMs: number): Promise<TurnResult> =>
    new Promise<TurnResult>((resolve, reject) => {
      const from = events.length;
      const timer = setTimeout(() => {
        notify = undefined;
        killGroup(child);
        reject(new Error(describe(`no result event within ${timeoutMs} ms`)));
      }, timeoutMs);
      notify = () => {
        const idx = events.findIndex((e, i) => i >= from && e.type === 'result');
        if (idx !== -1) {
          clearTimeout(timer);
          notify = undefined;
          const resultEvent = events[idx] as ClaudeEvent;
          resolve({
            is_error: resultEvent.is_error === true,
            result: typeof resultEvent.result === 'string' ? resultEvent.result : '',
            resultEvent,
            events: events.slice(from, idx + 1),
          });
        } else if (exitInfo !== undefined) {
          clearTimeout(timer);
          notify = undefined;
          reject(new Error(describe(`process ${exitInfo} before a result`)));
        }
      };
      writeUser(text);
      notify();
    });

  return {
    pid: child.pid ?? -1,
    home,
    events,
    sessionId: () => {
      const init = events.find((e) => e.type === 'system' && e.subtype === 'init');
      return typeof init?.session_id === 'string' ? init.session_id : undefined;
    },
    turn(text, turnOpts) {
      const run = chain.then(() => runTurn(text, turnOpts?.timeoutMs ?? turnTimeout));
      chain = run.catch(() => undefined);
      return run;
    },
    type: writeUser,
    send,
    stderr: () => stderr,
    async close() {
      if (exitInfo === undefined) {
        child.stdin.end();
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        const timer = new Promise<void>((r) => setTimeout(r, 1500).unref());
        await Promise.race([exited, timer]);
        killGroup(child);
        if (exitInfo === undefined) await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
      }
      live.delete(child);
      if (ownHome) rmSync(home, { recursive: true, force: true });
    },
  };
}
