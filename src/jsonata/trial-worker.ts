/**
 * The load-time trial worker: says it is ready, then for each batch of jobs that arrives on the port it was
 * started with, evaluates them all, posts the replies and wakes the compiling thread, which waits on a
 * shared flag (trial-run.ts): slot 0 is set once ready, slot 1 once a batch is done.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { evaluateJob } from './jsonata-eval.js';
import type { JsonataJob, JsonataReply } from './jsonata-sandbox.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

function signal(slot: number): void {
  Atomics.store(flag, slot, 1);
  Atomics.notify(flag, slot);
}

port.on('message', (jobs: JsonataJob[]) => {
  void (async () => {
    const replies: JsonataReply[] = [];
    for (const job of jobs) replies.push(await evaluateJob(job));
    port.postMessage(replies);
    signal(1);
  })();
});
signal(0);
