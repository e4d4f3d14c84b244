/**
 * Gives memory back once traffic stops. V8 collects garbage only while the program allocates: when a burst of
 * requests ends and nothing else arrives, their dead bodies, sockets and stream state stay in the heap (and the
 * young generation stays at the size the burst grew it to) until the next traffic, so the process keeps its
 * peak size while it sits idle. Once no request has been in flight for `quietMs` after some ran, and the heap
 * (with the memory outside it that its objects hold) has grown by `minGrowthBytes` since the last collection,
 * one full collection runs; it also starts V8's own memory reducer, which shrinks the heap further if the
 * gateway stays idle.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How an idle collector decides and collects. */
export interface IdleCollectOptions {
  /** How long no request must be in flight before collecting. */
  quietMs: number;
  /** Growth of `footprint()` since the last collection (or the start) below which nothing is collected. */
  minGrowthBytes: number;
  /** Runs a full collection. */
  collect: () => void;
  /** Bytes the collection can give back: the V8 heap plus the memory its objects hold outside it. */
  footprint: () => number;
}

/** V8's heap and the buffers its objects hold. */
export function heapFootprint(): number {
  const m = process.memoryUsage();
  return m.heapTotal + m.external;
}

/**
 * V8's full collection, without a command-line flag: `--expose-gc` is set only while a fresh context is made
 * to read its `gc` from, then unset, so no other context (rule code, the main one) sees a global `gc`.
 */
export function v8Collector(): () => void {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/** One per gateway: told when requests start and end. */
export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  /** A request started since the last check. */
  private busy = false;
  private baseline: number;
  /** Collections run (for tests and debugging). */
  collections = 0;

  constructor(private readonly opts: IdleCollectOptions) {
    this.baseline = opts.footprint();
  }

  /** The defaults of `mmexec serve`: one second of quiet, 16 MB of growth, V8's own collector. */
  static forServe(): IdleCollector {
    const gc = v8Collector();
    // The second collection frees what the first one's finalizers let go (sockets, parsers) and, seeing no
    // allocation since the first, shrinks the young generation back to its initial size.
    const collect = (): void => {
      gc();
      gc();
    };
    return new IdleCollector({ quietMs: 1000, minGrowthBytes: 16 * 1024 * 1024, collect, footprint: heapFootprint });
  }

  /** A request started: no collection until it and every other one in flight has ended. */
  started(): void {
    this.busy = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** A request ended, leaving `inflight` requests running. */
  ended(inflight: number): void {
    if (inflight > 0 || !this.busy) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.quiet(), this.opts.quietMs);
    this.timer.unref();
  }

  /** Stops a pending check (at shutdown). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private quiet(): void {
    this.timer = undefined;
    this.busy = false;
    const now = this.opts.footprint();
    if (now - this.baseline < this.opts.minGrowthBytes) {
      // The heap may have shrunk on its own since: growth counts from its smallest size seen.
      this.baseline = Math.min(this.baseline, now);
      return;
    }
    this.opts.collect();
    this.collections++;
    this.baseline = this.opts.footprint();
  }
}
