/**
 * Runs Claude Code pointed at the gateway: ANTHROPIC_BASE_URL and the status line are set for that process
 * only (its environment and Claude Code's `--settings <json>` flag), so no settings file is written. Every
 * argument passes through; signals are forwarded and the exit code is Claude Code's.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { MMEXEC_BIN } from './gateway-process.js';

/** How to run Claude Code. */
export interface ClaudeRun {
  /** The program: a path, or a name looked up on PATH. */
  bin: string;
  args: readonly string[];
  url: string;
  env: NodeJS.ProcessEnv;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** Quotes a word for the POSIX shell Claude Code runs the status command with. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `--settings` JSON: the status line runs this same mmexec's `statusline` against the gateway. */
export function claudeSettings(url: string): string {
  const command = [process.execPath, MMEXEC_BIN, 'statusline', '--url', url].map(shellWord).join(' ');
  return JSON.stringify({ statusLine: { type: 'command', command, padding: 0 } });
}

/** Runs Claude Code in the foreground and resolves to its exit code (128 + the signal number when a signal ended it). */
export function runClaude(r: ClaudeRun): Promise<number> {
  const env = { ...r.env, ANTHROPIC_BASE_URL: r.url, MMEXEC_URL: r.url };
  const child = spawn(r.bin, ['--settings', claudeSettings(r.url), ...r.args], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);
  return new Promise<number>((resolve, reject) => {
    const done = (): void => {
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      done();
      const why = err.code === 'ENOENT' ? 'not found: install Claude Code, or name it with --claude-bin or MMEXEC_CLAUDE' : err.message;
      reject(new Error(`cannot run "${r.bin}": ${why}`));
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
