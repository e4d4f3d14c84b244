/**
 * Drives a terminal program in a detached tmux session on its own server socket (never the user's), for
 * tests of Claude Code's full-screen interface: send keys, read the screen with `capture-pane`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** A visible skip reason when tmux is missing, false when it is there; throws instead when CI is set. */
export function tmuxSkip(): string | false {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (r.status === 0) return false;
  const why = 'tmux is not installed (apt-get install tmux)';
  if (process.env.CI) throw new Error(`CI: ${why}`);
  return why;
}

/** One tmux session running one command. */
export interface TmuxPane {
  /** Types text, then Enter when `enter` is set. */
  type(text: string, enter?: boolean): void;
  /** The screen as plain text. */
  screen(): string;
  /** Waits until the screen matches `pattern`; throws with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Whether the session still runs (its command has not exited). */
  alive(): boolean;
  /** Ends the tmux server of this pane and everything in it. */
  kill(): void;
}

/** Starts `command` (argv) in a new detached session of a private tmux server, `width` x `height` cells. */
export function startPane(command: readonly string[], width = 160, height = 40): TmuxPane {
  const socket = `mmexec-test-${randomBytes(6).toString('hex')}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(width), '-y', String(height), ...command);
  tmux('set-option', '-t', 'main', 'remain-on-exit', 'off');
  const pane: TmuxPane = {
    type(text, enter = false) {
      tmux('send-keys', '-t', 'main', '-l', text);
      if (enter) tmux('send-keys', '-t', 'main', 'Enter');
    },
    screen: () => {
      try {
        return tmux('capture-pane', '-p', '-t', 'main');
      } catch {
        return '';
      }
    },
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = pane.screen();
        if (pattern.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`the screen never matched ${pattern} within ${timeoutMs} ms:\n${s}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    alive: () => spawnSync('tmux', ['-L', socket, 'has-session', '-t', 'main']).status === 0,
    kill: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
  };
  return pane;
}
