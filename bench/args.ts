/**
 * Command-line options of `npm run bench` and the run settings they select.
 */
import type { CaseId, SizeId } from './bodies/cases.js';
import type { Loader } from './load/throughput.js';

/** Phases of a benchmark run, in the order they run. */
export const PHASES = ['check', 'throughput', 'latency', 'streaming', 'scaling', 'routes', 'memory'] as const;
/** One phase name. */
export type Phase = (typeof PHASES)[number];

/** How the gateway target is provided: the real one, a second floor proxy (A/A check), or none. */
export type GatewayMode = 'auto' | 'real' | 'stand-in' | 'off';

/** Everything a run is configured by. */
export interface Settings {
  quick: boolean;
  gateway: GatewayMode;
  loader: Loader | 'auto';
  phases: Phase[];
  /** Case and size profiled with --cpu-prof, or undefined for a normal run. */
  cpuProf?: { caseId: CaseId; sizeId: SizeId; seconds: number; dir: string };
  /** `--case` filter: the case:size pairs measured (undefined: all). Floor and direct run for each size kept. */
  cases?: ReadonlySet<string>;
  out: string;
  rounds: number;
  /** Seconds per throughput run, by body size (1 MB runs need longer: 32 bodies in flight finish together). */
  throughputSeconds: Record<SizeId, number>;
  /** Rounds of throughput runs, by body size. */
  throughputRounds: Record<SizeId, number>;
  warmupSeconds: number;
  connections: number;
  latencyCount: Record<SizeId, number>;
  streamRounds: number;
  memoryStreams: number;
  /** Longest wait for RSS to come back after the streams end. */
  settleSeconds: number;
  scalingSizes: number[];
  routesPadding: number;
}

const HELP = `usage: npm run bench -- [options]
  --quick                 short run (seconds, for smoke tests); results go to a temp file
  --gateway=auto|real|stand-in|off
                          auto: the real gateway when src/cli/main.ts (or dist) and mmexec.yaml exist;
                          stand-in: a second floor proxy in the gateway's place (A/A check of the harness)
  --loader=auto|autocannon|wrk
  --only=phase,...        phases: ${PHASES.join(', ')}
  --case=LIST             only these cases in check, throughput and latency: items like b, b:1m, 50k
                          (case ids a b c d, sizes small 50k 1m); the floor still runs for each size kept
  --seconds=N             seconds per throughput round for every size (default 3; --quick 1)
  --cpu-prof[=case:size]  profile the gateway (default b:1m) under load and print top self-time functions
  --cpu-prof-dir=DIR      where --cpu-prof keeps the .cpuprofile (default bench/)
  --out=path              results file (default bench/RESULTS.md)`;

function value(arg: string): string {
  return arg.slice(arg.indexOf('=') + 1);
}

/** Parses argv (without node and script) into settings. */
export function parseArgs(argv: readonly string[], root: string): Settings {
  const quick = argv.includes('--quick');
  const settings: Settings = {
    quick,
    gateway: 'auto',
    loader: 'auto',
    phases: [...PHASES],
    out: `${root}/bench/RESULTS.md`,
    rounds: quick ? 1 : 5,
    // Rounds of at least 3 s: shorter ones are dominated by autocannon's start and the first second's warm-up.
    throughputSeconds: quick ? { small: 1, '50k': 1, '1m': 1 } : { small: 3, '50k': 3, '1m': 3 },
    throughputRounds: quick ? { small: 1, '50k': 1, '1m': 1 } : { small: 5, '50k': 5, '1m': 3 },
    warmupSeconds: quick ? 0 : 1,
    connections: 32,
    latencyCount: quick ? { small: 50, '50k': 50, '1m': 10 } : { small: 360, '50k': 300, '1m': 50 },
    streamRounds: quick ? 2 : 8,
    memoryStreams: quick ? 50 : 500,
    settleSeconds: quick ? 2 : 10,
    scalingSizes: quick ? [20_000, 250_000] : [20_000, 50_000, 125_000, 250_000, 500_000, 1_000_000],
    routesPadding: 199,
  };
  let outGiven = false;
  let profDir = `${root}/bench`;
  for (const arg of argv) {
    if (arg === '--quick') continue;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${HELP}\n`);
      process.exit(0);
    } else if (arg.startsWith('--gateway=')) {
      const mode = value(arg);
      if (!['auto', 'real', 'stand-in', 'off'].includes(mode)) throw new Error(`bad --gateway: ${mode}`);
      settings.gateway = mode as GatewayMode;
    } else if (arg.startsWith('--loader=')) {
      const loader = value(arg);
      if (!['auto', 'autocannon', 'wrk'].includes(loader)) throw new Error(`bad --loader: ${loader}`);
      settings.loader = loader as Settings['loader'];
    } else if (arg.startsWith('--only=')) {
      const phases = value(arg).split(',');
      for (const phase of phases) if (!(PHASES as readonly string[]).includes(phase)) throw new Error(`unknown phase ${phase}`);
      settings.phases = phases as Phase[];
    } else if (arg === '--cpu-prof' || arg.startsWith('--cpu-prof=')) {
      const [caseId, sizeId] = (arg.includes('=') ? value(arg) : 'b:1m').split(':');
      if (!caseId || !['a', 'b', 'c', 'd'].includes(caseId)) throw new Error(`bad case in ${arg}`);
      if (!sizeId || !['small', '50k', '1m'].includes(sizeId)) throw new Error(`bad size in ${arg}`);
      settings.cpuProf = { caseId: caseId as CaseId, sizeId: sizeId as SizeId, seconds: quick ? 2 : 10, dir: '' };
    } else if (arg.startsWith('--cpu-prof-dir=')) {
      profDir = value(arg);
    } else if (arg.startsWith('--case=')) {
      settings.cases = parseCases(value(arg));
    } else if (arg.startsWith('--seconds=')) {
      const seconds = Number(value(arg));
      if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`bad --seconds: ${value(arg)}`);
      settings.throughputSeconds = { small: seconds, '50k': seconds, '1m': seconds };
    } else if (arg.startsWith('--out=')) {
      settings.out = value(arg);
      outGiven = true;
    } else {
      throw new Error(`unknown option ${arg}\n${HELP}`);
    }
  }
  if (quick && !outGiven) settings.out = '';
  if (settings.cpuProf) settings.cpuProf.dir = profDir;
  return settings;
}

const CASE_IDS: readonly CaseId[] = ['a', 'b', 'c', 'd'];
const SIZE_IDS: readonly SizeId[] = ['small', '50k', '1m'];

/** `b`, `b:1m` or `50k` items, expanded to the case:size pairs they name. */
function parseCases(list: string): Set<string> {
  const pairs = new Set<string>();
  for (const item of list.split(',').filter(Boolean)) {
    const [first, second] = item.split(':');
    const cases = CASE_IDS.includes(first as CaseId) ? [first as CaseId] : second === undefined && SIZE_IDS.includes(first as SizeId) ? CASE_IDS : undefined;
    const sizes = second !== undefined ? (SIZE_IDS.includes(second as SizeId) ? [second as SizeId] : undefined) : cases?.length === 1 ? SIZE_IDS : [first as SizeId];
    if (!cases || !sizes) throw new Error(`bad --case item ${item} (examples: b, b:1m, 50k)`);
    for (const c of cases) for (const z of sizes) pairs.add(`${c}:${z}`);
  }
  return pairs;
}

/** Whether a case and size are measured in this run (the `--case` filter). */
export function wanted(settings: Settings, caseId: CaseId, sizeId: SizeId): boolean {
  return !settings.cases || settings.cases.has(`${caseId}:${sizeId}`);
}

/** Sizes with at least one case measured. */
export function wantedSizes(settings: Settings): SizeId[] {
  return SIZE_IDS.filter((z) => CASE_IDS.some((c) => wanted(settings, c, z)));
}
