/**
 * A scrape target for the Prometheus test: a node:http server exposing a registry that the real recorder
 * fills with realistic traffic while the test runs.
 */
import { createServer } from 'node:http';
import { compilePrices } from '../../src/metrics/prices.js';
import { createMetrics, renderMetrics } from '../../src/metrics/registry.js';
import { recordTrafficRound } from './traffic.js';

/** A running target: `hostPort` for the scrape config; `close` stops traffic and the server. */
export interface MetricsTarget {
  hostPort: string;
  metricsPath: string;
  close(): Promise<void>;
}

/** Serves /metrics on a random 127.0.0.1 port and records a round of traffic every `everyMs`. */
export async function startRecorderTarget(everyMs = 200): Promise<MetricsTarget> {
  const { registry, recorder } = createMetrics({ version: '0.1.0-test', prices: compilePrices() });
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    renderMetrics(registry).then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  let round = 0;
  recordTrafficRound(recorder, round++);
  const timer = setInterval(() => recordTrafficRound(recorder, round++), everyMs);
  return {
    hostPort: `127.0.0.1:${port}`,
    metricsPath: '/metrics',
    close: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
