/**
 * Throughput at 32 connections per case and body size; targets alternate each round and medians are
 * compared with the floor measured in the same rounds.
 */
import { wanted, wantedSizes } from '../args.js';
import { buildCase, caseApplies, type CaseId, type RequestSpec, type SizeId, SIZE_NAMES } from '../bodies/cases.js';
import type { Target } from '../harness.js';
import { measureThroughput } from '../load/throughput.js';
import { fmt, median } from '../stats.js';
import { prime, rotate, type Context } from './context.js';

interface Run {
  label: string;
  target: Target;
  spec: RequestSpec;
  /** Label of the run this one is compared with. */
  floorLabel: string;
  rps: number[];
  failures: number;
}

const CASES: CaseId[] = ['a', 'b', 'c', 'd'];

function runsFor(ctx: Context, sizeId: SizeId): Run[] {
  const a = buildCase('a', sizeId);
  const make = (label: string, target: Target, spec: RequestSpec, floorLabel = 'floor'): Run => ({
    label, target, spec, floorLabel, rps: [], failures: 0,
  });
  const runs = [make('direct', ctx.direct, a), make('floor', ctx.floor, a)];
  if (ctx.gateway) {
    for (const caseId of CASES) {
      if (caseApplies(caseId, sizeId) && wanted(ctx.settings, caseId, sizeId)) runs.push(make(`gateway (${caseId})`, ctx.gateway, buildCase(caseId, sizeId)));
    }
  }
  if (sizeId === '50k' && wanted(ctx.settings, 'a', '50k')) {
    const streamed = buildCase('a', sizeId, true, 'stream');
    runs.push(make('floor, streamed', ctx.floor, streamed, 'floor, streamed'));
    if (ctx.gateway) runs.push(make('gateway (a), streamed', ctx.gateway, streamed, 'floor, streamed'));
  }
  return runs;
}

function plan(settings: Context['settings']): string {
  return wantedSizes(settings).map((size) => `${SIZE_NAMES[size]} ${settings.throughputRounds[size]} x ${settings.throughputSeconds[size]} s`).join(', ');
}

/** Measures throughput for every size and case, fills the table and the throughput checks. */
export async function runThroughput(ctx: Context): Promise<void> {
  const { settings } = ctx;
  const rows: string[][] = [];
  const ratios = new Map<string, number>();
  for (const sizeId of wantedSizes(ctx.settings)) {
    const runs = runsFor(ctx, sizeId);
    for (const run of runs) {
      await prime(run.target, run.spec);
      await measureThroughput(ctx.loader, run.target.url, run.spec, settings.connections, settings.warmupSeconds, ctx.harness.dir);
    }
    const rounds = settings.throughputRounds[sizeId];
    for (let round = 0; round < rounds; round++) {
      for (const run of rotate(runs, round)) {
        const seconds = settings.throughputSeconds[sizeId];
        const sample = await measureThroughput(ctx.loader, run.target.url, run.spec, settings.connections, seconds, ctx.harness.dir);
        run.rps.push(sample.rps);
        run.failures += sample.errors + sample.non2xx;
      }
      process.stdout.write(`  throughput ${SIZE_NAMES[sizeId]}: round ${round + 1}/${rounds} done\n`);
    }
    for (const run of runs) {
      const floorRun = runs.find((r) => r.label === run.floorLabel);
      const m = median(run.rps);
      const ratio = floorRun ? m / median(floorRun.rps) : Number.NaN;
      ratios.set(`${run.label}|${sizeId}`, ratio);
      rows.push([
        SIZE_NAMES[sizeId],
        run.label,
        run.spec.label,
        fmt(m, 0),
        `${fmt(Math.min(...run.rps), 0)}-${fmt(Math.max(...run.rps), 0)}`,
        `${fmt(ratio, 2)}x`,
        String(run.failures),
      ]);
    }
  }
  ctx.report.table({
    title: `Throughput at ${settings.connections} connections (req/s, median of alternating rounds: ${plan(settings)})`,
    note: 'Floor and direct send the passthrough body of the same size; "streamed" rows get an SSE reply (20 events, unpaced).',
    headers: ['size', 'target', 'request', 'req/s', 'range', 'vs floor', 'errors/non-2xx'],
    rows,
  });
  if (!ctx.gateway) return;
  const checks: [string, SizeId, number][] = [
    ['gateway (a)', 'small', 0.6],
    ['gateway (a)', '50k', 0.75],
    ['gateway (b)', '50k', 0.5],
    ['gateway (c)', '50k', 0.5],
    ['gateway (b)', '1m', 0.5],
    ['gateway (c)', '1m', 0.5],
  ];
  for (const [label, sizeId, goal] of checks) {
    const ratio = ratios.get(`${label}|${sizeId}`);
    if (ratio === undefined) continue;
    ctx.report.check({
      name: `throughput, ${label.replace('gateway ', '')} ${SIZE_NAMES[sizeId]}, 32 connections`,
      target: `>= ${goal}x floor`,
      measured: `${fmt(ratio, 2)}x`,
      pass: Number.isFinite(ratio) ? ratio >= goal : undefined,
    });
  }
}
