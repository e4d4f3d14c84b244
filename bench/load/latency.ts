/**
 * Latency at one connection, timed per request with a high-resolution clock (autocannon's histogram is whole
 * milliseconds, too coarse for sub-millisecond overheads).
 */
import http from 'node:http';
import type { RequestSpec } from '../bodies/cases.js';

/** One request on a keep-alive agent; resolves with the status and the elapsed milliseconds to the last byte. */
export function timedRequest(agent: http.Agent, baseUrl: string, spec: RequestSpec): Promise<{ status: number; ms: number; body: Buffer }> {
  const url = new URL(spec.path, baseUrl);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: url.pathname + url.search,
        headers: { ...spec.headers, 'content-length': spec.body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Latency samples (ms) of `count` sequential requests after `warmup` unrecorded ones; non-2xx are counted. */
export async function measureLatency(
  baseUrl: string,
  spec: RequestSpec,
  count: number,
  warmup: number,
): Promise<{ samples: number[]; failures: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  let failures = 0;
  try {
    for (let i = 0; i < warmup + count; i++) {
      const { status, ms } = await timedRequest(agent, baseUrl, spec);
      if (status < 200 || status >= 300) failures++;
      if (i >= warmup) samples.push(ms);
    }
  } finally {
    agent.destroy();
  }
  return { samples, failures };
}
