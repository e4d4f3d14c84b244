/**
 * Runs JSONata evaluations on a worker thread, one at a time, so the gateway's event loop never runs an
 * expression. Each evaluation stops at JSONata's own guardrails inside the worker; one that outlives its
 * time budget by more than a grace period (a single builtin such as `$pad` doing huge work) or exhausts the
 * worker's heap gets the worker terminated and replaced. Idle, the worker does not keep the process alive.
 */
import type { Worker } from 'node:worker_threads';
import { startJsonataWorker } from './start-worker.js';

/** Why an evaluation was stopped. */
export type JsonataAbortReason = 'timeout' | 'depth' | 'sequence' | 'memory' | 'busy' | 'crash';

/** One evaluation, as sent to the worker. */
export interface JsonataJob {
  id: number;
  source: string;
  timeoutMs: number;
  maxDepth: number;
  maxSequence: number;
  /** The body as JSON bytes (empty: `{}`). */
  input: Uint8Array;
  /** `truth` for conditions, `value` (the result as JSON) for transforms. */
  want: 'truth' | 'value';
}

/** The worker's answer. */
export type JsonataReply =
  | { id: number; ok: true; truthy: boolean; json: string | undefined }
  | { id: number; ok: false; reason: JsonataAbortReason | undefined; message: string; position?: number };

/** Extra time past the budget before the worker is terminated (JSONata's own check normally ends it first). */
export const GRACE_MS = 25;
/** Evaluations waiting beyond this many are refused at once. */
export const MAX_QUEUED = 100;
/** Heap of the worker: a runaway expression exhausts this, not the gateway. */
const WORKER_HEAP_MB = 512;

interface Pending {
  job: JsonataJob;
  resolve(reply: JsonataReply): void;
  timer?: NodeJS.Timeout;
}

/** Starts the worker. */
function startWorker(): Worker {
  return startJsonataWorker('jsonata-worker', { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
}

/** One per process; shared by every plan. */
export class JsonataSandbox {
  private worker: Worker | undefined;
  private ready = false;
  private current: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 0;

  /** Starts the worker ahead of the first evaluation. */
  warm(): void {
    if (!this.worker) this.spawn();
  }

  /** Evaluates one job; never rejects (failures come back as `ok: false`). */
  run(job: Omit<JsonataJob, 'id'>): Promise<JsonataReply> {
    const id = ++this.nextId;
    if (this.queue.length >= MAX_QUEUED) return Promise.resolve({ id, ok: false, reason: 'busy', message: `${MAX_QUEUED} JSONata evaluations are already waiting` });
    return new Promise((resolve) => {
      this.queue.push({ job: { ...job, id }, resolve });
      this.warm();
      this.pump();
      this.holdWhileBusy();
    });
  }

  private spawn(): void {
    const w = startWorker();
    this.worker = w;
    this.ready = false;
    w.on('message', (m: JsonataReply | { ready: true }) => {
      if (w !== this.worker) return;
      if ('ready' in m) this.ready = true;
      else if (this.current?.job.id === m.id) this.finish(m);
      this.pump();
      this.holdWhileBusy();
    });
    w.on('error', (err: Error & { code?: string }) => {
      if (w === this.worker) this.replace(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', err.message);
    });
    w.on('exit', () => {
      if (w === this.worker) this.replace('crash', 'the JSONata worker exited');
    });
    w.unref();
  }

  private pump(): void {
    const w = this.worker;
    if (!w || !this.ready || this.current) return;
    const next = this.queue.shift();
    if (!next) return this.holdWhileBusy();
    this.current = next;
    next.timer = setTimeout(() => this.replace('timeout', `no result within ${next.job.timeoutMs + GRACE_MS} ms`), next.job.timeoutMs + GRACE_MS);
    w.postMessage(next.job);
  }

  /** Work waiting or running keeps the process alive (a CLI awaiting a result must not exit); idle, it does not. */
  private holdWhileBusy(): void {
    if (this.current || this.queue.length > 0) this.worker?.ref();
    else this.worker?.unref();
  }

  private finish(reply: JsonataReply): void {
    const done = this.current!;
    this.current = undefined;
    clearTimeout(done.timer);
    done.resolve(reply);
  }

  /**
   * Fails the running evaluation, terminates the worker and starts another. A worker that died before it was
   * ready fails the waiting work instead, so a broken worker is never restarted in a loop.
   */
  private replace(reason: JsonataAbortReason, message: string): void {
    const w = this.worker;
    const wasReady = this.ready;
    this.worker = undefined;
    this.ready = false;
    if (this.current) this.finish({ id: this.current.job.id, ok: false, reason, message });
    void w?.terminate();
    if (!wasReady) for (const p of this.queue.splice(0)) p.resolve({ id: p.job.id, ok: false, reason: 'crash', message });
    // A worker that was serving is replaced at once, so the next evaluation does not wait for a start.
    if (wasReady || this.queue.length > 0) this.spawn();
  }
}

/** The process's sandbox. */
export const jsonataSandbox = new JsonataSandbox();
