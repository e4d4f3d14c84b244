/**
 * Cost versus body size: the gateway's added p50 latency over the floor for passthrough bodies from 20 KB to
 * 1 MB, with a least-squares line to show whether the cost grows linearly.
 */
import { buildSized } from '../bodies/cases.js';
import { measureLatency } from '../load/latency.js';
import { fmt, linearFit, median } from '../stats.js';
import { rotate, type Context } from './context.js';

/** Measures added latency per body size and reports the fit. */
export async function runScaling(ctx: Context): Promise<void> {
  const gateway = ctx.gateway;
  if (!gateway) return;
  const rows: string[][] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const bytes of ctx.settings.scalingSizes) {
    const spec = buildSized(bytes);
    const count = Math.max(20, Math.min(300, Math.round(30_000_000 / bytes)));
    const count_ = ctx.settings.quick ? Math.min(count, 30) : count;
    const targets = [ctx.floor, gateway];
    const p50: Record<string, number[]> = { [ctx.floor.name]: [], [gateway.name]: [] };
    for (let round = 0; round < ctx.settings.rounds; round++) {
      for (const target of rotate(targets, round)) {
        const { samples } = await measureLatency(target.url, spec, count_, 5);
        p50[target.name]?.push(median(samples));
      }
    }
    const floorP50 = p50[ctx.floor.name] ?? [];
    const gatewayP50 = p50[gateway.name] ?? [];
    const added = median(gatewayP50.map((p, i) => p - (floorP50[i] ?? Number.NaN)));
    xs.push(bytes / 1000);
    ys.push(added);
    rows.push([
      `${fmt(bytes / 1000, 0)} KB`,
      fmt(median(floorP50), 3),
      fmt(median(gatewayP50), 3),
      `${added >= 0 ? '+' : ''}${fmt(added, 3)}`,
      fmt((added * 1000) / (bytes / 1000), 2),
    ]);
  }
  const fit = linearFit(xs, ys);
  const linear = fit.r2 >= 0.9 ? 'linear' : 'not clearly linear';
  ctx.report.table({
    title: 'Cost versus body size (passthrough, 1 connection, p50 ms)',
    note:
      `Fit of added ms over KB: ${fmt(fit.slope * 1000, 2)} us/KB + ${fmt(fit.intercept, 3)} ms, r2 = ${fmt(fit.r2, 3)} (${linear}). ` +
      'A constant us/KB column means cost proportional to size.',
    headers: ['body', 'floor p50', 'gateway p50', 'added', 'added us/KB'],
    rows,
  });
}
