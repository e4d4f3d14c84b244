/**
 * Background-load monitor: CPU used on the machine by processes other than the benchmark and its children,
 * so a noisy run can be recognised in the results.
 */
import { readFileSync } from 'node:fs';

const TICK_SECONDS = 0.01;

function systemBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0] = fields;
  return user + nice + system;
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  } catch {
    return 0;
  }
}

/** Samples once a second; `foreignCores()` is the average number of cores other processes kept busy. */
export class LoadMonitor {
  private readonly timer: NodeJS.Timeout;
  private lastSystem = systemBusyTicks();
  private lastOwn = new Map<number, number>();
  private foreignTicks = 0;
  private lapTicks = 0;
  private lapStarted = Date.now();
  private lastSampleTicks = 0;
  private peak = 0;
  private readonly started = Date.now();

  constructor(private readonly pids: () => number[]) {
    this.sampleOwn();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sampleOwn(): number {
    let delta = 0;
    for (const pid of [process.pid, ...this.pids()]) {
      const ticks = processTicks(pid);
      delta += Math.max(0, ticks - (this.lastOwn.get(pid) ?? ticks));
      this.lastOwn.set(pid, ticks);
    }
    return delta;
  }

  private sample(): void {
    const system = systemBusyTicks();
    const own = this.sampleOwn();
    const foreign = Math.max(0, system - this.lastSystem - own);
    this.lastSystem = system;
    this.foreignTicks += foreign;
    this.lapTicks += foreign;
    this.lastSampleTicks = foreign;
    this.peak = Math.max(this.peak, foreign * TICK_SECONDS);
  }

  /** Average cores used by other processes since the previous lap (or the start). */
  lap(): number {
    const seconds = Math.max(1, (Date.now() - this.lapStarted) / 1000);
    const cores = (this.lapTicks * TICK_SECONDS) / seconds;
    this.lapTicks = 0;
    this.lapStarted = Date.now();
    return cores;
  }

  /** Cores used by other processes in the last one-second sample. */
  lastSecond(): number {
    return this.lastSampleTicks * TICK_SECONDS;
  }

  /** Stops sampling and summarises: average and peak (1 s) cores used by other processes. */
  stop(): { averageCores: number; peakCores: number } {
    clearInterval(this.timer);
    this.sample();
    const seconds = Math.max(1, (Date.now() - this.started) / 1000);
    return { averageCores: (this.foreignTicks * TICK_SECONDS) / seconds, peakCores: this.peak };
  }
}

/** Waits (at most `maxSeconds`) until other processes use under `cores` cores for `quietSeconds` in a row. */
export async function waitForQuiet(monitor: LoadMonitor, cores: number, quietSeconds: number, maxSeconds: number): Promise<boolean> {
  let quiet = 0;
  for (let waited = 0; waited < maxSeconds; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    quiet = monitor.lastSecond() < cores ? quiet + 1 : 0;
    if (quiet >= quietSeconds) return true;
  }
  return false;
}
