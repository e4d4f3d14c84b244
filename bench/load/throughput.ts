/**
 * Throughput under concurrent load, with autocannon's programmatic API (or wrk when asked for and installed).
 */
import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestSpec } from '../bodies/cases.js';

/** One throughput measurement. */
export interface ThroughputSample {
  rps: number;
  errors: number;
  non2xx: number;
}

/** Which load generator drives the throughput runs. */
export type Loader = 'autocannon' | 'wrk';

/**
 * Runs `seconds` of load (whole seconds: autocannon stops on its one-second sampling tick) at `connections`
 * against `baseUrl` with one request spec; zero seconds does nothing.
 */
export async function measureThroughput(
  loader: Loader,
  baseUrl: string,
  spec: RequestSpec,
  connections: number,
  seconds: number,
  scratchDir: string,
): Promise<ThroughputSample> {
  if (seconds <= 0) return { rps: Number.NaN, errors: 0, non2xx: 0 };
  seconds = Math.max(1, Math.round(seconds));
  if (loader === 'wrk') return wrkRun(baseUrl, spec, connections, seconds, scratchDir);
  const result = await autocannon({
    url: baseUrl + spec.path,
    method: 'POST',
    headers: spec.headers,
    body: spec.body,
    connections,
    duration: seconds,
    timeout: 20,
  });
  const duration = result.duration > 0 ? result.duration : seconds;
  return { rps: result['2xx'] / duration, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

/** Whether `wrk` is on the PATH. */
export function wrkInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('wrk', ['--version'], { timeout: 5000 }, (error, stdout, stderr) => {
      resolve(!error || /wrk/.test(String(stdout) + String(stderr)));
    });
  });
}

function luaString(value: string): string {
  return JSON.stringify(value);
}

function wrkRun(baseUrl: string, spec: RequestSpec, connections: number, seconds: number, dir: string): Promise<ThroughputSample> {
  const bodyPath = join(dir, `wrk-body-${spec.caseId}-${spec.sizeId}.json`);
  const scriptPath = join(dir, `wrk-${spec.caseId}-${spec.sizeId}.lua`);
  writeFileSync(bodyPath, spec.body);
  const headerLines = Object.entries(spec.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  writeFileSync(
    scriptPath,
    `wrk.method = "POST"\n${headerLines}\nlocal f = io.open(${luaString(bodyPath)}, "rb")\nwrk.body = f:read("*a")\nf:close()\n`,
  );
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', scriptPath, baseUrl + spec.path];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 30) * 1000 }, (error, stdout) => {
      if (error) {
        reject(error);
        return;
      }
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
      const errors = /Socket errors:.*?(\d+).*?(\d+).*?(\d+).*?(\d+)/.exec(stdout);
      const errorCount = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
      resolve({ rps, errors: errorCount, non2xx });
    });
  });
}
