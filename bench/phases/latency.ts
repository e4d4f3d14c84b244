/**
 * Latency at one connection per case and body size: p50 and p99 per target, and the gateway's added p50 over
 * the floor computed round by round (paired), then the median of those differences.
 */
import { wanted, wantedSizes } from '../args.js';
import { buildCase, caseApplies, type CaseId, type RequestSpec, type SizeId, SIZE_NAMES } from '../bodies/cases.js';
import type { Target } from '../harness.js';
import { measureLatency } from '../load/latency.js';
import { fmt, median, quantile } from '../stats.js';
import { prime, rotate, type Context } from './context.js';

interface Run {
  label: string;
  target: Target;
  spec: RequestSpec;
  p50s: number[];
  all: number[];
  failures: number;
}

const CASES: CaseId[] = ['a', 'b', 'c', 'd'];

/** Measures one-connection latency for every size and case and records the latency checks. */
export async function runLatency(ctx: Context): Promise<void> {
  const { settings } = ctx;
  const rows: string[][] = [];
  const added = new Map<string, number>();
  for (const sizeId of wantedSizes(ctx.settings)) {
    const a = buildCase('a', sizeId);
    const runs: Run[] = [
      { label: 'direct', target: ctx.direct, spec: a, p50s: [], all: [], failures: 0 },
      { label: 'floor', target: ctx.floor, spec: a, p50s: [], all: [], failures: 0 },
    ];
    if (ctx.gateway) {
      for (const caseId of CASES) {
        if (!caseApplies(caseId, sizeId) || !wanted(ctx.settings, caseId, sizeId)) continue;
        runs.push({ label: `gateway (${caseId})`, target: ctx.gateway, spec: buildCase(caseId, sizeId), p50s: [], all: [], failures: 0 });
      }
    }
    const count = settings.latencyCount[sizeId];
    const warmup = Math.max(5, Math.round(count / 10));
    for (const run of runs) await prime(run.target, run.spec);
    for (let round = 0; round < settings.rounds; round++) {
      for (const run of rotate(runs, round)) {
        const { samples, failures } = await measureLatency(run.target.url, run.spec, count, warmup);
        run.p50s.push(median(samples));
        run.all.push(...samples);
        run.failures += failures;
      }
    }
    const floor = runs[1];
    for (const run of runs) {
      const diffs = floor ? run.p50s.map((p, i) => p - (floor.p50s[i] ?? Number.NaN)) : [];
      const addedP50 = median(diffs);
      const addedP99 = floor ? quantile(run.all, 0.99) - quantile(floor.all, 0.99) : Number.NaN;
      added.set(`${run.label}|${sizeId}`, addedP50);
      rows.push([
        SIZE_NAMES[sizeId],
        run.label,
        run.spec.label,
        fmt(median(run.p50s), 3),
        fmt(quantile(run.all, 0.99), 3),
        run === floor ? '-' : `${addedP50 >= 0 ? '+' : ''}${fmt(addedP50, 3)}`,
        run === floor ? '-' : `${addedP99 >= 0 ? '+' : ''}${fmt(addedP99, 3)}`,
        String(run.failures),
      ]);
    }
    process.stdout.write(`  latency ${SIZE_NAMES[sizeId]} done\n`);
  }
  ctx.report.table({
    title: `Latency at 1 connection (ms; ${settings.rounds} alternating rounds, ${settings.latencyCount.small}/${settings.latencyCount['50k']}/${settings.latencyCount['1m']} requests per round for small/50 KB/1 MB)`,
    note: 'p50 is the median of per-round medians; p99 pools all rounds; "added" is relative to the floor (p50 paired per round).',
    headers: ['size', 'target', 'request', 'p50', 'p99', 'added p50', 'added p99', 'non-2xx'],
    rows,
  });
  if (!ctx.gateway) return;
  const checks: [string, SizeId, number, string][] = [
    ['gateway (a)', '50k', 0.15, 'added p50, passthrough 50 KB, 1 connection'],
    ['gateway (b)', '1m', 3, 'added p50, 1 MB with every thinking block converted'],
  ];
  for (const [label, sizeId, goal, name] of checks) {
    const value = added.get(`${label}|${sizeId}`);
    if (value === undefined) continue;
    ctx.report.check({
      name,
      target: `<= ${goal} ms over floor`,
      measured: `${value >= 0 ? '+' : ''}${fmt(value, 3)} ms`,
      pass: Number.isFinite(value) ? value <= goal : undefined,
    });
  }
}
