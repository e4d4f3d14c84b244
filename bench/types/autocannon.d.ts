/** Minimal typings for the parts of autocannon's programmatic API the benchmark uses. */
declare module 'autocannon' {
  /** Options accepted by autocannon(). */
  export interface AutocannonOptions {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    pipelining?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    workers?: number;
  }
  /** Percentile summary of one histogram. */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p99: number;
  }
  /** What a finished run reports. */
  export interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    latency: Histogram;
    requests: Histogram;
    throughput: Histogram;
  }
  /** A running benchmark; also a promise of its result. */
  export interface Instance extends Promise<AutocannonResult> {
    stop(): void;
  }
  /** Starts a load run. */
  export default function autocannon(opts: AutocannonOptions): Instance;
}
