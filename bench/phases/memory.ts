/**
 * Memory: RSS of the gateway child (VmRSS) at idle, while it relays many concurrent slow streams, and after
 * they end; the floor proxy is measured the same way for reference.
 */
import http from 'node:http';
import { buildCase } from '../bodies/cases.js';
import type { Target } from '../harness.js';
import { streamOnce, type StreamTiming } from '../load/stream.js';
import { rssMb } from '../servers/children.js';
import { fmt } from '../stats.js';
import { prime, type Context } from './context.js';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface MemoryResult {
  idle: number;
  peak: number;
  after: number;
  afterSeconds: number;
  opened: number;
  completed: number;
}

async function measure(target: Target, streams: number, settleSeconds: number): Promise<MemoryResult> {
  const pid = target.pid;
  if (pid === undefined) throw new Error(`${target.name} has no pid`);
  await delay(1000);
  const idle = rssMb(pid);
  const passthrough = buildCase('a', '50k', true, `memory-${target.name}`);
  const sticky = buildCase('d', '50k', true, `memory-${target.name}`);
  await prime(target, sticky);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  let opened = 0;
  let peak = idle;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // process gone; reported by the completion count
    }
  }, 50);
  let results: (StreamTiming | undefined)[];
  try {
    results = await Promise.all(
      Array.from({ length: streams }, (_, i) =>
        streamOnce(agent, target.url, i % 2 === 0 ? passthrough : sticky, () => {
          opened++;
        }).catch(() => undefined),
      ),
    );
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  peak = Math.max(peak, rssMb(pid));
  const completed = results.filter((r) => r?.complete === true).length;
  const start = Date.now();
  let after = rssMb(pid);
  while (after > idle * 1.2 && Date.now() - start < settleSeconds * 1000) {
    await delay(500);
    after = rssMb(pid);
  }
  return { idle, peak, after, afterSeconds: (Date.now() - start) / 1000, opened, completed };
}

/** Runs the memory test on the gateway (and the floor for reference). */
export async function runMemory(ctx: Context): Promise<void> {
  const streams = ctx.settings.memoryStreams;
  const gapMs = ctx.settings.quick ? 50 : 250;
  const events = 20;
  await ctx.harness.configureUpstream({ eventGapMs: gapMs, events });
  const rows: string[][] = [];
  let gatewayResult: MemoryResult | undefined;
  try {
    const targets = ctx.gateway ? [ctx.floor, ctx.gateway] : [ctx.floor];
    for (const target of targets) {
      const result = await measure(target, streams, ctx.settings.settleSeconds);
      if (target === ctx.gateway) gatewayResult = result;
      rows.push([
        target.name,
        fmt(result.idle, 1),
        fmt(result.peak, 1),
        fmt(result.after, 1),
        `${fmt((result.after / result.idle - 1) * 100, 0)}%`,
        fmt(result.afterSeconds, 1),
        `${result.opened}/${streams}`,
        `${result.completed}/${streams}`,
      ]);
    }
  } finally {
    await ctx.harness.configureUpstream({ eventGapMs: 0 });
  }
  ctx.report.table({
    title: `Memory (VmRSS MB) with ${streams} concurrent slow streams (${events} events ${gapMs} ms apart, 50 KB requests, half passthrough, half sticky MiniMax)`,
    note: `"after" is read once RSS is back within 20% of idle, or ${ctx.settings.settleSeconds} s after the streams end.`,
    headers: ['process', 'idle', 'peak', 'after', 'after vs idle', 'settle s', 'streams opened', 'completed'],
    rows,
  });
  if (!gatewayResult) return;
  const r = gatewayResult;
  ctx.report.check({
    name: `memory with ${streams} concurrent streams`,
    target: '<= 150 MB RSS',
    measured: `${fmt(r.peak, 1)} MB (${r.completed}/${streams} completed)`,
    pass: r.peak <= 150 && r.completed === streams,
  });
  ctx.report.check({
    name: 'memory after the streams end',
    target: 'within 20% of idle',
    measured: `${fmt(r.after, 1)} MB vs idle ${fmt(r.idle, 1)} MB (${fmt((r.after / r.idle - 1) * 100, 0)}%)`,
    pass: r.after <= r.idle * 1.2,
  });
}
