/**
 * `--cpu-prof`: runs the gateway child under `node --cpu-prof` for one case, stops it cleanly so the profile is
 * written, and prints the functions with the most self time.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCase, type CaseId, type SizeId } from './bodies/cases.js';
import { ROOT, type Harness } from './harness.js';
import { measureThroughput, type Loader } from './load/throughput.js';
import type { GatewayEntry } from './servers/gateway.js';
import { prime } from './phases/context.js';
import { renderText, type Table } from './report.js';
import { fmt } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** Makes the child exit normally on SIGUSR2 so that --cpu-prof writes its profile whatever the gateway does on SIGTERM. */
const EXIT_ON_USR2 = `data:text/javascript,process.on('SIGUSR2',()=>process.exit(0))`;

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const cleaned = url.replace(/^file:\/\//, '');
  return cleaned.startsWith(ROOT) ? cleaned.slice(ROOT.length + 1) : cleaned.replace(/^.*node_modules\//, 'node_modules/');
}

/** A window of the profile's clock (microseconds, CLOCK_MONOTONIC like process.hrtime). */
export interface Window {
  startUs: number;
  endUs: number;
}

/** Microseconds on the monotonic clock the V8 profiler also uses. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Self time per function (ms), heaviest first; only samples inside `window` when given. */
export function selfTimes(profile: CpuProfile, window?: Window): { name: string; where: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (window && (t < window.startUs || t > window.endUs)) continue;
    const id = samples[i] ?? -1;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
  }
  const merged = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const frame = node.callFrame;
    const name = frame.functionName || '(anonymous)';
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : shortUrl('');
    const key = `${name}@${where}`;
    const entry = merged.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    merged.set(key, entry);
  }
  const total = [...merged.values()].reduce((sum, e) => sum + e.us, 0) || 1;
  return [...merged.values()]
    .sort((x, y) => y.us - x.us)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: e.us / total }));
}

/** Profiles the gateway under load for one case and prints the top self-time functions. */
export async function runCpuProfile(
  harness: Harness,
  entry: GatewayEntry,
  loader: Loader,
  target: { caseId: CaseId; sizeId: SizeId; seconds: number; dir: string },
): Promise<void> {
  const profDir = join(harness.dir, 'cpu-prof');
  const child = await harness.startGateway(entry, 'gateway-prof', join(ROOT, 'mmexec.yaml'), [
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
    '--import',
    EXIT_ON_USR2,
  ]);
  const spec = buildCase(target.caseId, target.sizeId, false, 'profile');
  await prime({ name: child.name, url: child.url }, spec);
  await measureThroughput(loader, child.url, spec, 32, Math.min(2, Math.round(target.seconds / 2)), harness.dir);
  process.stdout.write(`profiling ${spec.label} at 32 connections for ${target.seconds} s (after a warm-up)...\n`);
  const startUs = monotonicUs();
  const sample = await measureThroughput(loader, child.url, spec, 32, target.seconds, harness.dir);
  const window: Window = { startUs, endUs: monotonicUs() };
  process.stdout.write(`  ${fmt(sample.rps, 0)} req/s under the profiler (${sample.errors + sample.non2xx} errors/non-2xx)\n`);
  await harness.stop(child, 'SIGUSR2');
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  const file = files[0];
  if (!file) throw new Error(`no .cpuprofile written in ${profDir}`);
  mkdirSync(target.dir, { recursive: true });
  const kept = join(target.dir, `gateway-${target.caseId}-${target.sizeId}.cpuprofile`);
  copyFileSync(join(profDir, file), kept);
  const profile = JSON.parse(readFileSync(kept, 'utf8')) as CpuProfile;
  const inWindow = selfTimes(profile, window);
  const top = (inWindow.length > 0 ? inWindow : selfTimes(profile)).slice(0, 30);
  if (inWindow.length === 0) process.stdout.write('note: no samples inside the load window (clock mismatch?); showing the whole profile\n');
  const table: Table = {
    title: `Top self time in the gateway during the load window, ${spec.label} (profile: ${kept.startsWith(ROOT) ? kept.slice(ROOT.length + 1) : kept})`,
    headers: ['self ms', 'share', 'function', 'where'],
    rows: top.map((t) => [fmt(t.ms, 1), `${fmt(t.share * 100, 1)}%`, t.name, t.where]),
  };
  process.stdout.write(`\n${renderText(table)}\n\nOpen the .cpuprofile in Chrome DevTools (Performance tab) or VS Code for call trees.\n`);
}
