/**
 * Evaluates one JSONata job with JSONata's own guardrails (time, depth, sequence length) and the
 * linear-time regex engine. Runs inside a worker thread only (the sandbox's, or the load-time trial's).
 */
import jsonata from 'jsonata';
import { LinearRegExp } from './jsonata-regex.js';
import type { JsonataJob, JsonataReply } from './jsonata-sandbox.js';

const ABORT_CODES: Readonly<Record<string, 'timeout' | 'depth' | 'sequence'>> = { D1012: 'timeout', D1011: 'depth', D2015: 'sequence', D2014: 'sequence' };
const CACHE_LIMIT = 512;
const cache = new Map<string, jsonata.Expression>();
const decoder = new TextDecoder();

/** The compiled expression for a job (expressions of the plan are few; the cache is bounded anyway). */
function expressionFor(job: JsonataJob): jsonata.Expression {
  const key = `${job.timeoutMs}/${job.maxDepth}/${job.maxSequence}/${job.source}`;
  let expr = cache.get(key);
  if (!expr) {
    const options = { timeout: job.timeoutMs, stack: job.maxDepth, sequence: job.maxSequence, RegexEngine: LinearRegExp as unknown as RegExpConstructor };
    expr = jsonata(job.source, options);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, expr);
  }
  return expr;
}

/** Runs a job; a failure carries JSONata's message, its character position and why it was stopped, if a limit did. */
export async function evaluateJob(job: JsonataJob): Promise<JsonataReply> {
  try {
    const input: unknown = job.input.length > 0 ? JSON.parse(decoder.decode(job.input)) : {};
    const result: unknown = await expressionFor(job).evaluate(input);
    const json = job.want === 'value' && result !== undefined ? JSON.stringify(result) : undefined;
    return { id: job.id, ok: true, truthy: Boolean(result), json };
  } catch (err) {
    const e = err as { code?: string; message?: string; position?: unknown };
    const deep = err instanceof RangeError && /call stack/.test(err.message);
    const position = typeof e?.position === 'number' ? e.position : undefined;
    return { id: job.id, ok: false, reason: deep ? 'depth' : ABORT_CODES[e?.code ?? ''], message: e?.message ?? String(err), position };
  }
}
