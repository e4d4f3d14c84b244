/**
 * Tries every JSONata expression of a plan on sample requests at load, in one batch after the plan is
 * compiled: one that fails on every sample (an unknown function, a wrong argument count) or, for a
 * transform, never yields a JSON object, would fail every request, so it is a compile error with its
 * position. Limits (time, depth, sequence) are left to request time: a sample is no measure of them.
 */
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import type { JsonataJob, JsonataReply } from './jsonata-sandbox.js';
import { SAMPLE_BODIES } from './sample-requests.js';
import { runTrialSync } from './trial-run.js';

/** What an expression must do on the samples. */
export interface TrialSpec {
  readonly source: string;
  readonly path: DocPath;
  readonly limits: Pick<JsonataJob, 'timeoutMs' | 'maxDepth' | 'maxSequence'>;
  /** `object`: a transform, whose result must be a JSON object. */
  readonly produces: 'truth' | 'object';
}

const pending = new WeakMap<CompileContext, TrialSpec[]>();

/** Schedules a trial of `spec`; all trials of one compile run together at its end. */
export function scheduleTrial(cc: CompileContext, spec: TrialSpec): void {
  let specs = pending.get(cc);
  if (!specs) {
    pending.set(cc, (specs = []));
    const list = specs;
    cc.atEnd(() => runTrials(cc, list));
  }
  specs.push(spec);
}

function jobsOf(specs: readonly TrialSpec[]): JsonataJob[] {
  let id = 0;
  return specs.flatMap((s) => SAMPLE_BODIES.map((input) => ({ id: ++id, source: s.source, ...s.limits, input, want: s.produces === 'object' ? ('value' as const) : ('truth' as const) })));
}

/** Why a spec would fail every request, judged from its replies (one per sample), or undefined. */
export function verdict(spec: TrialSpec, replies: readonly JsonataReply[]): string | undefined {
  const failed = replies.filter((r): r is Extract<JsonataReply, { ok: false }> => !r.ok && r.reason === undefined);
  if (failed.length === replies.length) {
    const f = failed[0]!;
    return `JSONata fails on every sample request: ${f.message}${f.position !== undefined ? ` at character ${f.position}` : ''}`;
  }
  if (spec.produces !== 'object' || replies.some((r) => !r.ok)) return undefined;
  const kinds = replies.map((r) => (r.ok ? kindOf(r.json) : ''));
  if (kinds.every((k) => k !== 'an object')) return `jsonata transform must produce a JSON object; on the sample requests it produced ${[...new Set(kinds)].join(' and ')}`;
  return undefined;
}

function kindOf(json: string | undefined): string {
  if (json === undefined) return 'nothing';
  const v: unknown = JSON.parse(json);
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function runTrials(cc: CompileContext, specs: readonly TrialSpec[]): void {
  const replies = runTrialSync(jobsOf(specs));
  if (!replies) return cc.warn(specs[0]!.path, 'JSONata expressions were not tried on sample requests: the trial did not finish in time');
  const per = SAMPLE_BODIES.length;
  specs.forEach((spec, i) => {
    const problem = verdict(spec, replies.slice(i * per, (i + 1) * per));
    if (problem) cc.error(spec.path, problem);
  });
}
