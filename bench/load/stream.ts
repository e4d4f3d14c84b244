/**
 * A streaming client: sends one request, records when each SSE event arrives and the upstream's send time
 * stamped in text deltas (`t=<ms>`), so added latency and spacing distortion can be computed.
 */
import http from 'node:http';
import type { RequestSpec } from '../bodies/cases.js';
import { wallMs } from '../servers/sse.js';

/** Timings of one streamed response. */
export interface StreamTiming {
  status: number;
  /** Milliseconds from sending the request to the first complete event. */
  firstEventMs: number;
  /** Number of events received. */
  events: number;
  /** Whether the stream ended with message_stop. */
  complete: boolean;
  /** For each timestamped delta: [upstream send wall ms, client receive wall ms]. */
  stamps: [number, number][];
}

/** Streams one request and times its events; `onFirstEvent` fires once the first event arrives. */
export function streamOnce(
  agent: http.Agent,
  baseUrl: string,
  spec: RequestSpec,
  onFirstEvent?: () => void,
): Promise<StreamTiming> {
  const url = new URL(spec.path, baseUrl);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const timing: StreamTiming = { status: 0, firstEventMs: Number.NaN, events: 0, complete: false, stamps: [] };
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: url.pathname + url.search,
        headers: { ...spec.headers, 'content-length': spec.body.length, accept: 'text/event-stream' },
      },
      (res) => {
        timing.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        let pending = '';
        res.on('data', (chunk: string) => {
          const now = wallMs();
          pending += chunk;
          let cut = pending.indexOf('\n\n');
          while (cut >= 0) {
            const block = pending.slice(0, cut);
            pending = pending.slice(cut + 2);
            cut = pending.indexOf('\n\n');
            if (!/^event:/m.test(block)) continue;
            timing.events++;
            if (timing.events === 1) {
              timing.firstEventMs = performance.now() - start;
              onFirstEvent?.();
            }
            if (block.includes('event: message_stop')) timing.complete = true;
            const stamp = /t=(\d+\.\d+)/.exec(block);
            if (stamp?.[1]) timing.stamps.push([Number(stamp[1]), now]);
          }
        });
        res.on('end', () => resolve(timing));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('stream timed out')));
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Differences between the client's and the upstream's gap for consecutive timestamped events (ms). */
export function spacingErrors(timing: StreamTiming): number[] {
  const errors: number[] = [];
  for (let i = 1; i < timing.stamps.length; i++) {
    const prev = timing.stamps[i - 1];
    const cur = timing.stamps[i];
    if (!prev || !cur) continue;
    errors.push(cur[1] - prev[1] - (cur[0] - prev[0]));
  }
  return errors;
}
