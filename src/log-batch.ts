/**
 * A winston transport that writes log lines to stderr in batches: lines logged while a request is handled
 * are joined and written once the event loop turns (or once 64 KB are waiting), so the request path pays
 * for a string push instead of a write system call per line. Lines still waiting when the process exits
 * are written synchronously.
 */
import { writeSync } from 'node:fs';
import winston from 'winston';
import type TransportStream from 'winston-transport';

const MESSAGE = Symbol.for('message');
/** Waiting bytes (as UTF-16 code units) that trigger a write at once. */
const FLUSH_AT = 64 * 1024;

/** Every transport created and not yet closed, flushed synchronously on exit. */
const open = new Set<BatchedStderr>();
let exitHooked = false;

/** winston's transport base class (exported at runtime as winston.Transport; its typings name the module). */
const Transport = (winston as unknown as { Transport: typeof TransportStream }).Transport;

/** One per logger. */
export class BatchedStderr extends Transport {
  private lines: string[] = [];
  private waiting = 0;
  private scheduled = false;

  constructor(private readonly sink: (text: string) => void = (text) => void process.stderr.write(text)) {
    super();
    open.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => {
        for (const t of open) t.flushSync();
      });
    }
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.push(String(info[MESSAGE]));
    next();
  }

  /** Queues one formatted line (without its newline). */
  push(text: string): void {
    const line = `${text}\n`;
    this.lines.push(line);
    this.waiting += line.length;
    if (this.waiting >= FLUSH_AT) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the waiting lines now. */
  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.waiting = 0;
    this.sink(text);
  }

  /** Writes the waiting lines with a blocking write to stderr (at exit, when no later tick comes). */
  flushSync(): void {
    if (this.lines.length === 0) return;
    const text = this.lines.join('');
    this.lines = [];
    this.waiting = 0;
    try {
      writeSync(2, text);
    } catch {
      // stderr closed: nothing left to tell
    }
  }

  override close(): void {
    this.flush();
    open.delete(this);
  }
}
