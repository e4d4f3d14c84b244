/**
 * Rule count: a gateway whose rules are only the bundled catch-all route against one with 199 never-matching
 * routes ahead of it, as separate children measured alternately (throughput at 32 connections, p50 at 1).
 */
import { join } from 'node:path';
import { buildCase, SIZE_NAMES, type SizeId } from '../bodies/cases.js';
import { ROOT, type Target } from '../harness.js';
import { measureLatency } from '../load/latency.js';
import { measureThroughput } from '../load/throughput.js';
import type { ServerChild } from '../servers/children.js';
import { writeRouteConfig } from '../servers/gateway.js';
import { fmt, median } from '../stats.js';
import { rotate, type Context } from './context.js';

async function startVariant(ctx: Context, name: string, padding: number): Promise<{ child: ServerChild; routes: number }> {
  if (ctx.gatewayKind === 'real' && ctx.entry) {
    const path = join(ctx.harness.dir, `${name}.yaml`);
    const routes = writeRouteConfig(join(ROOT, 'mmexec.yaml'), path, { padding, catchAllOnly: true });
    return { child: await ctx.harness.startGateway(ctx.entry, name, path), routes };
  }
  return { child: await ctx.harness.startStandIn(name), routes: padding + 1 };
}

/** Starts the two rule-count variants, compares them and stops them. */
export async function runRoutes(ctx: Context): Promise<void> {
  if (!ctx.gateway) return;
  const { settings, harness } = ctx;
  const children: ServerChild[] = [];
  const rows: string[][] = [];
  try {
    const one = await startVariant(ctx, 'gateway-1-route', 0);
    children.push(one.child);
    const many = await startVariant(ctx, 'gateway-200-routes', settings.routesPadding);
    children.push(many.child);
    const targets: Target[] = [
      { name: `${one.routes} route${one.routes === 1 ? '' : 's'}`, url: one.child.url, pid: one.child.pid },
      { name: `${many.routes} routes (${settings.routesPadding} never match)`, url: many.child.url, pid: many.child.pid },
    ];
    for (const sizeId of ['small', '50k'] as SizeId[]) {
      const spec = buildCase('a', sizeId, false, 'routes');
      const rps = new Map<Target, number[]>(targets.map((t) => [t, []]));
      const p50 = new Map<Target, number[]>(targets.map((t) => [t, []]));
      for (const target of targets) {
        await measureThroughput(ctx.loader, target.url, spec, settings.connections, settings.warmupSeconds, harness.dir);
      }
      for (let round = 0; round < settings.rounds; round++) {
        for (const target of rotate(targets, round)) {
          const sample = await measureThroughput(ctx.loader, target.url, spec, settings.connections, settings.throughputSeconds[sizeId], harness.dir);
          rps.get(target)?.push(sample.rps);
          const { samples } = await measureLatency(target.url, spec, settings.latencyCount[sizeId], 10);
          p50.get(target)?.push(median(samples));
        }
      }
      const base = targets[0];
      const baseRps = median((base && rps.get(base)) ?? []);
      const baseP50 = (base && p50.get(base)) ?? [];
      for (const target of targets) {
        const mine = p50.get(target) ?? [];
        const added = median(mine.map((p, i) => p - (baseP50[i] ?? Number.NaN)));
        const myRps = median(rps.get(target) ?? []);
        rows.push([
          SIZE_NAMES[sizeId],
          target.name,
          fmt(myRps, 0),
          `${fmt(myRps / baseRps, 2)}x`,
          fmt(median(mine), 3),
          target === base ? '-' : `${added >= 0 ? '+' : ''}${fmt(added, 3)}`,
        ]);
      }
    }
  } finally {
    for (const child of children) await harness.stop(child);
  }
  ctx.report.table({
    title: `Rule count: the catch-all route alone versus ${settings.routesPadding} never-matching routes ahead of it (passthrough)`,
    note: 'Never-matching routes rotate last_user_text prefix, header, model glob and path+method conditions.',
    headers: ['size', 'rules', 'req/s @32', 'vs 1 route', 'p50 ms @1', 'added p50 ms'],
    rows,
  });
}
