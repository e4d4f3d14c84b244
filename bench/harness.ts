/**
 * The benchmark environment: fake upstream, floor proxy and gateway children, and control of the upstream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startChild, stopChild, type ServerChild } from './servers/children.js';
import { transpileServers } from './servers/compile.js';
import { gatewayEntry, gatewayEnv, type GatewayEntry } from './servers/gateway.js';
import type { BodySummary } from './servers/inspect.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Repository root. */
export const ROOT = dirname(HERE);

/** A server the load generators can aim at. */
export interface Target {
  name: string;
  url: string;
  /** Process to read RSS from (absent for nothing to measure). */
  pid?: number;
}

/** Upstream behaviour switches (see servers/fake-upstream.ts). */
export interface UpstreamSettings {
  eventGapMs?: number;
  events?: number;
  inspect?: boolean;
}

/** What the fake upstream reports. */
export interface UpstreamStats {
  counts: { anthropic: number; minimax: number };
  last?: BodySummary;
}

function request(method: string, url: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The running children and helpers to drive them. */
export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'mmexec-bench-'));
  readonly children: ServerChild[] = [];
  upstream!: ServerChild;
  floor!: ServerChild;
  private serverDir = '';

  /** Starts the fake upstream and the floor proxy. */
  async start(): Promise<void> {
    this.serverDir = transpileServers(join(HERE, 'servers'), join(this.dir, 'servers'));
    this.upstream = await this.spawnOwn('upstream', 'fake-upstream.ts', {});
    this.floor = await this.spawnOwn('floor', 'floor-proxy.ts', { UPSTREAM_URL: this.upstream.url });
  }

  private async spawnOwn(name: string, script: string, env: Record<string, string>): Promise<ServerChild> {
    const child = await startChild({
      name,
      nodeArgs: [join(this.serverDir, script.replace(/\.ts$/, '.js'))],
      env: { ...process.env, PORT: '0', ...env },
      cwd: ROOT,
      logPath: join(this.dir, `${name}.log`),
      ready: { kind: 'stdout' },
    });
    this.children.push(child);
    return child;
  }

  /** A second floor proxy, standing in for the gateway (ratios near 1.0 show the harness is fair). */
  async startStandIn(name: string): Promise<ServerChild> {
    return this.spawnOwn(name, 'floor-proxy.ts', { UPSTREAM_URL: this.upstream.url });
  }

  /** Starts a gateway child with a config file; `execArgv` goes before the entry (e.g. --cpu-prof). */
  async startGateway(entry: GatewayEntry, name: string, configPath: string, execArgv: string[] = []): Promise<ServerChild> {
    const port = await freePort();
    const home = mkdtempSync(join(this.dir, `${name}-home-`));
    const child = await startChild({
      name,
      nodeArgs: [...execArgv, ...entry.nodeArgs, 'serve', '--config', configPath],
      env: gatewayEnv(port, this.upstream.url, home),
      cwd: ROOT,
      logPath: join(this.dir, `${name}.log`),
      ready: { kind: 'healthz', port },
      timeoutMs: 60_000,
    });
    this.children.push(child);
    return child;
  }

  /** Changes the fake upstream's behaviour. */
  async configureUpstream(settings: UpstreamSettings): Promise<void> {
    await request('POST', `${this.upstream.url}/__bench/config`, JSON.stringify(settings));
  }

  /** Zeroes the upstream's counters. */
  async resetUpstream(): Promise<void> {
    await request('POST', `${this.upstream.url}/__bench/reset`);
  }

  /** Reads the upstream's counters and last inspected body. */
  async upstreamStats(): Promise<UpstreamStats> {
    return JSON.parse(await request('GET', `${this.upstream.url}/__bench/stats`)) as UpstreamStats;
  }

  /** Stops one child early. */
  async stop(child: ServerChild, signal?: NodeJS.Signals): Promise<void> {
    await stopChild(child, 5000, signal);
  }

  /** Stops every child and removes the temp directory (unless `keep`). */
  async close(keep = false): Promise<void> {
    await Promise.all(this.children.map((child) => stopChild(child, 2000)));
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The gateway entry, if the core is present. */
export function findGateway(): GatewayEntry | undefined {
  return gatewayEntry(ROOT);
}
