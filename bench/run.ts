/**
 * Entry point of `npm run bench`: starts the fake upstream, floor proxy and gateway as children, runs the
 * selected phases, prints tables and writes bench/RESULTS.md. See bench/profile.md for --cpu-prof.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type Phase } from './args.js';
import { findGateway, Harness, ROOT, type Target } from './harness.js';
import { LoadMonitor, waitForQuiet } from './load/monitor.js';
import { wrkInstalled, type Loader } from './load/throughput.js';
import { killAllNow, rssMb } from './servers/children.js';
import { runCheck } from './phases/check.js';
import type { Context } from './phases/context.js';
import { runLatency } from './phases/latency.js';
import { runMemory } from './phases/memory.js';
import { runRoutes } from './phases/routes.js';
import { runScaling } from './phases/scaling.js';
import { runStreaming } from './phases/streaming.js';
import { runThroughput } from './phases/throughput.js';
import { runCpuProfile } from './profile.js';
import { describeMachine, renderResults, renderText, Report } from './report.js';
import { fmt } from './stats.js';

const PHASE_RUNNERS: Record<Phase, (ctx: Context) => Promise<void>> = {
  check: runCheck,
  throughput: runThroughput,
  latency: runLatency,
  streaming: runStreaming,
  scaling: runScaling,
  routes: runRoutes,
  memory: runMemory,
};

async function chooseLoader(wanted: Loader | 'auto'): Promise<Loader> {
  if (wanted === 'autocannon') return 'autocannon';
  const hasWrk = await wrkInstalled();
  if (wanted === 'wrk' && !hasWrk) throw new Error('--loader=wrk but wrk is not installed');
  return hasWrk ? 'wrk' : 'autocannon';
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2), ROOT);
  const loader = await chooseLoader(settings.loader);
  const entry = findGateway();
  const gatewayKind = settings.gateway === 'stand-in' ? 'stand-in' : settings.gateway === 'off' ? 'none' : entry ? 'real' : 'none';
  if (settings.gateway === 'real' && !entry) throw new Error('--gateway=real but src/cli/main.ts (or dist/cli/main.js) and mmexec.yaml are not there yet');
  const harness = new Harness();
  const started = Date.now();
  const onSignal = (): void => {
    killAllNow();
    rmSync(harness.dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await harness.start();
    if (settings.cpuProf) {
      if (!entry) throw new Error('--cpu-prof needs the gateway (src/cli/main.ts or dist/cli/main.js, and mmexec.yaml)');
      await runCpuProfile(harness, entry, loader, settings.cpuProf);
      return;
    }
    const report = new Report();
    const direct: Target = { name: 'direct', url: harness.upstream.url, pid: harness.upstream.pid };
    const floor: Target = { name: 'floor', url: harness.floor.url, pid: harness.floor.pid };
    let gateway: Target | undefined;
    if (gatewayKind === 'real' && entry) {
      if (entry.staleWarning) report.note(entry.staleWarning);
      const child = await harness.startGateway(entry, 'gateway', join(ROOT, 'mmexec.yaml'));
      gateway = { name: 'gateway', url: child.url, pid: child.pid };
      report.note(`gateway RSS right after start: ${fmt(rssMb(child.pid), 1)} MB`);
    } else if (gatewayKind === 'stand-in') {
      const child = await harness.startStandIn('standin');
      gateway = { name: 'standin', url: child.url, pid: child.pid };
      report.note('STAND-IN RUN: the "gateway" is a second floor proxy; ratios near 1.0 show the harness is fair.');
    } else {
      report.note('gateway not measured (not present yet or --gateway=off); floor and direct only.');
    }
    const setup = [
      `Gateway: ${gatewayKind === 'real' ? entry?.description : gatewayKind === 'stand-in' ? 'stand-in (floor proxy)' : 'not measured'}, bundled mmexec.yaml, state in a temp MMEXEC_HOME`,
      'Each server in its own child process (gateway, floor proxy, fake upstream); load generated in the bench process',
      `Load generator: ${loader === 'wrk' ? 'wrk (1 thread)' : 'autocannon 8 (programmatic API)'} for throughput; a sequential node:http client with performance.now() for latency`,
      `Rounds: ${settings.rounds} for latency, scaling and rules; throughput at ${settings.connections} connections, rounds x seconds: small ${settings.throughputRounds.small} x ${settings.throughputSeconds.small}, 50 KB ${settings.throughputRounds['50k']} x ${settings.throughputSeconds['50k']}, 1 MB ${settings.throughputRounds['1m']} x ${settings.throughputSeconds['1m']}${settings.quick ? ' (--quick)' : ''}`,
      'Bodies: deterministic (seeded); small ~100 B, Claude Code-shaped 50,000 B, agentic history 1,000,000 B',
    ];
    const ctx: Context = { settings, harness, report, loader, direct, floor, gatewayKind, ...(gateway ? { gateway } : {}), ...(entry ? { entry } : {}) };
    const phaseLoad: string[] = [];
    const monitor = new LoadMonitor(() => harness.children.filter((c) => c.proc.exitCode === null).map((c) => c.pid));
    if (!settings.quick) {
      process.stdout.write('waiting up to 30 s for other processes to go quiet (< 0.2 cores for 3 s)...\n');
      const quiet = await waitForQuiet(monitor, 0.2, 3, 30);
      if (!quiet) report.note('the machine did not go quiet before the run: other processes were busy, expect noisier figures');
      monitor.lap();
    }
    for (const phase of settings.phases) {
      process.stdout.write(`\n-- ${phase} (${fmt((Date.now() - started) / 1000, 0)} s elapsed)\n`);
      await PHASE_RUNNERS[phase](ctx);
      const foreign = monitor.lap();
      process.stdout.write(`  (other processes used ${fmt(foreign, 2)} cores during ${phase})\n`);
      phaseLoad.push(`${phase} ${fmt(foreign, 2)}`);
    }
    report.note(`cores used by other processes per phase: ${phaseLoad.join(', ')}`);
    const load = monitor.stop();
    report.note(
      `other processes on the machine used ${fmt(load.averageCores, 2)} cores on average during the run (peak ${fmt(load.peakCores, 2)} over 1 s); ` +
        'above ~0.2 the figures are noisier than usual',
    );
    const checks = report.checksTable();
    process.stdout.write(`\n${renderText(checks)}\n`);
    const machine = describeMachine();
    const document = renderResults(report, machine, setup);
    const out = settings.out || join(harness.dir, '..', `mmexec-bench-quick-${process.pid}.md`);
    writeFileSync(out, document);
    process.stdout.write(`\nwrote ${out} (${fmt((Date.now() - started) / 1000, 0)} s)\n`);
  } finally {
    await harness.close();
  }
}

main().catch((error: unknown) => {
  killAllNow();
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
