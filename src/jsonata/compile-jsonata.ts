/**
 * Compiles a JSONata expression once at load, reporting a syntax error (or a regex the linear engine cannot
 * run) at its place in the rule file. Evaluations run in the JSONata sandbox (a worker thread), bounded in
 * time, depth and sequence length; one stopped by a limit fails its request and is counted.
 */
import { createRequire } from 'node:module';
import { parseDuration } from '../config/duration.js';
import type { DocPath } from '../config/source.js';
import { GatewayError } from '../errors.js';
import type { MetricsRecorder } from '../metrics/types.js';
import type { CompileContext } from '../plan/compile-context.js';
import { linearFor } from './jsonata-regex.js';
import { jsonataSandbox, type JsonataAbortReason } from './jsonata-sandbox.js';
import { scheduleTrial } from './trial.js';

/**
 * The JSONata parser, loaded on the first expression: most rule files have none, and `serve` then does not
 * carry the library (its evaluation runs in the sandbox worker, which loads its own copy).
 */
let parser: typeof import('jsonata') | undefined;
function jsonata(source: string): ReturnType<typeof import('jsonata')> {
  parser ??= createRequire(import.meta.url)('jsonata') as typeof import('jsonata');
  return parser(source);
}

export type { JsonataAbortReason } from './jsonata-sandbox.js';

/** The limits of one evaluation (the `jsonata` section of the rule file). */
export interface JsonataLimits {
  readonly timeoutMs: number;
  readonly maxDepth: number;
  readonly maxSequence: number;
}

/** Defaults: generous for predicates over a Claude Code body, small enough to keep requests moving. */
export const DEFAULT_JSONATA_LIMITS: JsonataLimits = Object.freeze({ timeoutMs: 50, maxDepth: 500, maxSequence: 100_000 });

/** What an evaluation produced: its truth (conditions) and its value as JSON (transforms). */
export interface JsonataResult {
  truthy: boolean;
  json: string | undefined;
}

/** A compiled expression. Shared; never holds request data. */
export interface GuardedJsonata {
  readonly source: string;
  /**
   * Evaluates over the body's JSON bytes. Throws GatewayError `jsonata_aborted` (and counts it) when a limit
   * stopped the evaluation, and a plain Error carrying JSONata's message when the expression failed.
   */
  evaluate(body: Uint8Array, want: 'truth' | 'value', recorder?: MetricsRecorder): Promise<JsonataResult>;
}
/** The limits configured in the rule file. */
export function jsonataLimits(cc: CompileContext): JsonataLimits {
  const cfg = cc.loaded.config.jsonata ?? {};
  return {
    timeoutMs: cfg.timeout !== undefined ? parseDuration(cfg.timeout) : DEFAULT_JSONATA_LIMITS.timeoutMs,
    maxDepth: cfg.max_depth ?? DEFAULT_JSONATA_LIMITS.maxDepth,
    maxSequence: cfg.max_sequence ?? DEFAULT_JSONATA_LIMITS.maxSequence,
  };
}

/** Every regex literal of the expression that the linear engine refuses, with its position. */
function regexProblems(ast: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const n = node as { type?: unknown; value?: unknown; position?: number };
    if (n.type === 'regex' && n.value instanceof RegExp) {
      const made = linearFor(n.value);
      if (typeof made === 'string') out.push(`${made} (JSONata regex ending at character ${n.position ?? '?'})`);
    }
    for (const v of Object.values(node)) if (v && typeof v === 'object' && !(v instanceof RegExp)) walk(v);
  };
  walk(ast);
  return out;
}

function describeAbort(source: string, reason: JsonataAbortReason, limits: JsonataLimits, detail: string): string {
  const expr = JSON.stringify(source.length > 60 ? `${source.slice(0, 60)}…` : source);
  const why: Record<JsonataAbortReason, string> = {
    timeout: `it ran past its time budget of ${limits.timeoutMs} ms (jsonata.timeout)`,
    depth: `it nested deeper than ${limits.maxDepth} steps (jsonata.max_depth)`,
    sequence: `it built a sequence longer than ${limits.maxSequence} items (jsonata.max_sequence)`,
    memory: 'it exhausted the memory of the JSONata worker',
    busy: `too many evaluations are waiting (${detail})`,
    crash: `the JSONata worker failed (${detail})`,
  };
  return `JSONata expression ${expr} was stopped: ${why[reason]}`;
}

/**
 * The compiled expression, or undefined after recording the error in `cc`. It is also tried on sample
 * requests once the plan is compiled (see trial.ts): `produces: 'object'` for a transform's expression.
 */
export function compileJsonata(source: string, cc: CompileContext, path: DocPath, produces: 'truth' | 'object' = 'truth'): GuardedJsonata | undefined {
  const limits = jsonataLimits(cc);
  let ast: unknown;
  try {
    ast = jsonata(source).ast();
  } catch (err) {
    const e = err as { message?: string; position?: number };
    cc.error(path, `invalid JSONata: ${e.message ?? String(err)}${e.position !== undefined ? ` at character ${e.position}` : ''}`);
    return undefined;
  }
  const problems = regexProblems(ast);
  if (problems.length > 0) return void cc.error(path, `invalid JSONata: ${problems.join('; ')}`);
  scheduleTrial(cc, { source, path, limits, produces });
  jsonataSandbox.warm();
  return {
    source,
    async evaluate(body, want, recorder) {
      const reply = await jsonataSandbox.run({ source, ...limits, input: body, want });
      if (reply.ok) return { truthy: reply.truthy, json: reply.json };
      if (!reply.reason) throw new Error(reply.message);
      recorder?.jsonataAborted(reply.reason);
      throw new GatewayError('jsonata_aborted', describeAbort(source, reply.reason, limits, reply.message));
    },
  };
}

