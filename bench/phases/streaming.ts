/**
 * Streaming through a paced upstream (20 events 50 ms apart): time to first event and how faithfully the
 * event spacing reaches the client, for direct, floor and gateway (passthrough and sticky MiniMax).
 */
import http from 'node:http';
import { buildCase, type RequestSpec } from '../bodies/cases.js';
import type { Target } from '../harness.js';
import { spacingErrors, streamOnce } from '../load/stream.js';
import { fmt, median, quantile } from '../stats.js';
import { prime, rotate, type Context } from './context.js';

const EVENTS = 20;
const GAP_MS = 50;

interface Run {
  label: string;
  target: Target;
  spec: RequestSpec;
  first: number[];
  spacing: number[];
  broken: number;
}

/** Runs the paced-stream comparison and records the streaming checks. */
export async function runStreaming(ctx: Context): Promise<void> {
  const a = buildCase('a', '50k', true, 'paced');
  const runs: Run[] = [
    { label: 'direct', target: ctx.direct, spec: a, first: [], spacing: [], broken: 0 },
    { label: 'floor', target: ctx.floor, spec: a, first: [], spacing: [], broken: 0 },
  ];
  if (ctx.gateway) {
    runs.push({ label: 'gateway (a)', target: ctx.gateway, spec: a, first: [], spacing: [], broken: 0 });
    const d = buildCase('d', '50k', true, 'paced');
    runs.push({ label: 'gateway (d)', target: ctx.gateway, spec: d, first: [], spacing: [], broken: 0 });
  }
  for (const run of runs) await prime(run.target, run.spec);
  await ctx.harness.configureUpstream({ eventGapMs: GAP_MS, events: EVENTS });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    for (const run of runs) await streamOnce(agent, run.target.url, run.spec);
    for (let round = 0; round < ctx.settings.streamRounds; round++) {
      for (const run of rotate(runs, round)) {
        const timing = await streamOnce(agent, run.target.url, run.spec);
        if (timing.status !== 200 || !timing.complete || timing.events !== EVENTS) run.broken++;
        run.first.push(timing.firstEventMs);
        run.spacing.push(...spacingErrors(timing).map(Math.abs));
      }
    }
  } finally {
    agent.destroy();
    await ctx.harness.configureUpstream({ eventGapMs: 0 });
  }
  const floorFirst = median(runs[1]?.first ?? []);
  const floorP90 = quantile(runs[1]?.spacing ?? [], 0.9);
  const rows = runs.map((run) => {
    const addedFirst = median(run.first) - floorFirst;
    return [
      run.label,
      fmt(median(run.first), 3),
      run.label === 'floor' ? '-' : `${addedFirst >= 0 ? '+' : ''}${fmt(addedFirst, 3)}`,
      fmt(median(run.spacing), 3),
      fmt(quantile(run.spacing, 0.9), 3),
      fmt(Math.max(...run.spacing), 3),
      String(run.broken),
    ];
  });
  ctx.report.table({
    title: `Streaming, paced upstream (${EVENTS} events ${GAP_MS} ms apart, 50 KB request; ${ctx.settings.streamRounds} alternating rounds)`,
    note: 'Spacing error: |client gap - upstream gap| between consecutive deltas, using send times stamped by the upstream.',
    headers: ['target', 'first event ms', 'vs floor', 'spacing err p50', 'p90', 'max', 'broken streams'],
    rows,
  });
  for (const run of runs.filter((r) => r.label.startsWith('gateway'))) {
    const addedFirst = median(run.first) - floorFirst;
    ctx.report.check({
      name: `streaming ${run.label.replace('gateway ', '')}: first event vs floor (median)`,
      target: '<= 0.5 ms later',
      measured: `${addedFirst >= 0 ? '+' : ''}${fmt(addedFirst, 3)} ms`,
      pass: Number.isFinite(addedFirst) ? addedFirst <= 0.5 && run.broken === 0 : undefined,
    });
    const p90 = quantile(run.spacing, 0.9);
    ctx.report.check({
      name: `streaming ${run.label.replace('gateway ', '')}: event spacing vs upstream (p90 of |error|)`,
      target: '<= 2 ms',
      measured: `${fmt(p90, 3)} ms (floor ${fmt(floorP90, 3)}, max ${fmt(Math.max(...run.spacing), 3)})`,
      pass: Number.isFinite(p90) ? p90 <= 2 && run.broken === 0 : undefined,
    });
  }
}
