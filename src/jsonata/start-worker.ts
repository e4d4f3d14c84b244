/** Starts one of the JSONata worker threads from this folder, from the build or (tests, a clone) through tsx. */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts `./<name>.js` (or `.ts` when running from the sources) with `options`. */
export function startJsonataWorker(name: string, options: WorkerOptions = {}): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const entry = new URL(`./${name}${ts ? '.ts' : '.js'}`, import.meta.url).href;
  if (!ts) return new Worker(new URL(entry), options);
  // A worker does not inherit loader hooks registered through tsx's API, so it registers tsx itself.
  const boot = `import('node:worker_threads')
  .then(({ workerData }) => import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); }))
  .catch((err) => setImmediate(() => { throw err; }));`;
  const workerData = { ...(options.workerData as object | undefined), entry, tsx: import.meta.resolve('tsx/esm/api') };
  return new Worker(boot, { ...options, eval: true, workerData });
}
