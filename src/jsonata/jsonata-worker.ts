/**
 * The JSONata worker thread: evaluates one expression at a time on a request body it parses itself (see
 * jsonata-eval.ts). The gateway's thread never runs JSONata, so no expression can hold its event loop; see
 * jsonata-sandbox.ts.
 */
import { parentPort } from 'node:worker_threads';
import { evaluateJob } from './jsonata-eval.js';
import type { JsonataJob } from './jsonata-sandbox.js';

const port = parentPort!;
port.on('message', (job: JsonataJob) => {
  void evaluateJob(job).then((reply) => port.postMessage(reply));
});
port.postMessage({ ready: true });
