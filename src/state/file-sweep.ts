/**
 * Walks directories a few entries at a time, on an unref'd timer, so expired files can be removed without a
 * full directory scan ever holding the gateway: each tick examines at most `batch` entries, continuing where
 * the previous tick stopped (one open directory handle is kept between ticks) and starting over at the end.
 */
import type { Dir } from 'node:fs';
import { opendir } from 'node:fs/promises';

/** How often and how much. */
export interface SweepOptions {
  /** Time between ticks (ms); 0 = no timer (ticks only when called). */
  intervalMs: number;
  /** Entries examined per tick at most. */
  batch: number;
}

/** Decides about one directory entry: removes it when it has expired. */
export type SweepVisitor = (dir: string, name: string) => Promise<void>;

/** One per file store. */
export class DirSweep {
  private readonly timer: NodeJS.Timeout | undefined;
  private index = 0;
  private open: Dir | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly dirs: readonly string[],
    private readonly visit: SweepVisitor,
    private readonly opts: SweepOptions,
    private readonly onError: (err: unknown) => void,
  ) {
    if (opts.intervalMs > 0) {
      this.timer = setInterval(() => void this.tick(), opts.intervalMs);
      this.timer.unref();
    }
  }

  /** Runs one tick (or joins the one running); resolves with the number of entries examined. */
  tick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    this.running ??= this.walk()
      .catch((err: unknown) => {
        this.onError(err);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Examines up to `batch` entries, and each entry at most once per tick (a tick ends after a full pass). */
  private async walk(): Promise<number> {
    let examined = 0;
    let finished = 0;
    while (examined < this.opts.batch && finished < this.dirs.length && !this.stopped) {
      const dir = this.dirs[this.index]!;
      this.open ??= await opendir(dir).catch(() => undefined);
      const entry = await this.open?.read();
      if (!entry) {
        await this.closeDir();
        this.index = (this.index + 1) % this.dirs.length;
        finished++;
        continue;
      }
      examined++;
      if (entry.isFile()) await this.visit(dir, entry.name).catch(this.onError);
    }
    return examined;
  }

  private async closeDir(): Promise<void> {
    const d = this.open;
    this.open = undefined;
    await d?.close().catch(() => undefined);
  }

  /** Stops the timer and waits for a running tick. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.closeDir();
  }
}
