/**
 * Runs JSONata jobs on a worker and waits for them synchronously, so the (synchronous) compile step can try
 * each expression on sample requests. The compiling thread blocks until the worker is ready (it starts once
 * per process), then until it answers or the jobs' own time budgets (plus a grace) have passed: a builtin
 * that outlives its budget costs the load that budget, not more. The worker is kept (idle, it does not keep
 * the process alive) for the next compile or reload; one that missed its deadline is terminated.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { GRACE_MS, type JsonataJob, type JsonataReply } from './jsonata-sandbox.js';
import { startJsonataWorker } from './start-worker.js';

/** How long the worker may take to start (from the sources, through tsx, is the slow case). */
export const START_DEADLINE_MS = 10_000;
/** Time allowed past the jobs' budgets for messaging and parsing the samples. */
const SLACK_MS = 500;

interface TrialWorker {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let current: TrialWorker | undefined;

function start(): TrialWorker {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const worker = startJsonataWorker('trial-worker', { workerData: { port: port2, flag }, transferList: [port2], resourceLimits: { maxOldGenerationSizeMb: 256 } });
  const made = { worker, port: port1, flag };
  // A worker that fails never answers: the deadline ends the wait, and the next trial starts another.
  worker.on('error', () => stop(made));
  worker.on('exit', () => stop(made));
  worker.unref();
  port1.unref();
  return made;
}

function stop(w: TrialWorker): void {
  if (current === w) current = undefined;
  w.port.close();
  void w.worker.terminate();
}

/** The replies in job order, or undefined when the worker did not start or answer in time. */
export function runTrialSync(jobs: readonly JsonataJob[], startDeadlineMs = START_DEADLINE_MS): JsonataReply[] | undefined {
  if (jobs.length === 0) return [];
  const w = (current ??= start());
  if (Atomics.wait(w.flag, 0, 0, startDeadlineMs) === 'timed-out') return void stop(w);
  Atomics.store(w.flag, 1, 0);
  w.port.postMessage(jobs);
  const budget = jobs.reduce((sum, j) => sum + j.timeoutMs + GRACE_MS, SLACK_MS);
  Atomics.wait(w.flag, 1, 0, budget);
  const replies = receiveMessageOnPort(w.port)?.message as JsonataReply[] | undefined;
  if (!replies) stop(w);
  return replies;
}
