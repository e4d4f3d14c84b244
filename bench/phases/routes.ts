/**
 * Rule count: the bundled rules against the same rules with 199 never-matching routes ahead of them, both as
 * separate gateway children measured alternately (throughput at 32 connections and p50 at 1 connection).
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { buildCase, SIZE_NAMES, type SizeId } from '../bodies/cases.js';
import { ROOT, type Target } from '../harness.js';
import { measureLatency } from '../load/latency.js';
import { measureThroughput } from '../load/throughput.js';
import { writePaddedConfig } from '../servers/gateway.js';
import { fmt, median } from '../stats.js';
import { rotate, type Context } from './context.js';

/** Starts the padded gateway, compares it with the bundled one and stops it. */
export async function runRoutes(ctx: Context): Promise<void> {
  const gateway = ctx.gateway;
  if (!gateway) return;
  const { settings, harness } = ctx;
  let padded: Target;
  let routeCount = settings.routesPadding + 1;
  let paddedPath: string | undefined;
  let stop: () => Promise<void>;
  if (ctx.gatewayKind === 'real' && ctx.entry) {
    paddedPath = join(ROOT, `.bench-routes-${process.pid}.yaml`);
    routeCount = writePaddedConfig(join(ROOT, 'mmexec.yaml'), paddedPath, settings.routesPadding);
    const child = await harness.startGateway(ctx.entry, 'gateway-padded', paddedPath);
    padded = { name: 'gateway-padded', url: child.url, pid: child.pid };
    stop = () => harness.stop(child);
  } else {
    const child = await harness.startStandIn('standin-padded');
    padded = { name: 'standin-padded', url: child.url, pid: child.pid };
    stop = () => harness.stop(child);
  }
  const rows: string[][] = [];
  try {
    const bundledRoutes = routeCount - settings.routesPadding;
    for (const sizeId of ['small', '50k'] as SizeId[]) {
      const spec = buildCase('a', sizeId, false, 'routes');
      const targets = [gateway, padded];
      const rps: Record<string, number[]> = { [gateway.name]: [], [padded.name]: [] };
      const p50: Record<string, number[]> = { [gateway.name]: [], [padded.name]: [] };
      for (const target of targets) {
        await measureThroughput(ctx.loader, target.url, spec, settings.connections, settings.warmupSeconds, harness.dir);
      }
      for (let round = 0; round < settings.rounds; round++) {
        for (const target of rotate(targets, round)) {
          const sample = await measureThroughput(ctx.loader, target.url, spec, settings.connections, settings.throughputSeconds, harness.dir);
          rps[target.name]?.push(sample.rps);
          const { samples } = await measureLatency(target.url, spec, settings.latencyCount[sizeId], 10);
          p50[target.name]?.push(median(samples));
        }
      }
      const baseRps = median(rps[gateway.name] ?? []);
      const baseP50 = p50[gateway.name] ?? [];
      for (const target of targets) {
        const mine = p50[target.name] ?? [];
        const added = median(mine.map((p, i) => p - (baseP50[i] ?? Number.NaN)));
        rows.push([
          SIZE_NAMES[sizeId],
          target === gateway ? `bundled rules (${bundledRoutes} routes)` : `+${settings.routesPadding} never-matching (${routeCount} routes)`,
          fmt(median(rps[target.name] ?? []), 0),
          `${fmt(median(rps[target.name] ?? []) / baseRps, 2)}x`,
          fmt(median(mine), 3),
          target === gateway ? '-' : `${added >= 0 ? '+' : ''}${fmt(added, 3)}`,
        ]);
      }
    }
  } finally {
    await stop();
    if (paddedPath) rmSync(paddedPath, { force: true });
  }
  ctx.report.table({
    title: `Rule count: bundled rules versus ${settings.routesPadding} extra never-matching routes ahead of them (passthrough)`,
    headers: ['size', 'config', 'req/s @32', 'vs bundled', 'p50 ms @1', 'added p50'],
    rows,
  });
}
