/**
 * What every phase receives: settings, the running servers as targets, and the report to fill.
 */
import http from 'node:http';
import type { Settings } from '../args.js';
import type { RequestSpec } from '../bodies/cases.js';
import type { Harness, Target } from '../harness.js';
import { timedRequest } from '../load/latency.js';
import type { Loader } from '../load/throughput.js';
import type { GatewayEntry } from '../servers/gateway.js';
import type { Report } from '../report.js';

/** Shared state of a run. */
export interface Context {
  settings: Settings;
  harness: Harness;
  report: Report;
  loader: Loader;
  direct: Target;
  floor: Target;
  gateway?: Target;
  gatewayKind: 'real' | 'stand-in' | 'none';
  entry?: GatewayEntry;
}

/** Sends a spec's primer (the trigger making case d's session sticky) through a target; no-op without one. */
export async function prime(target: Target, spec: RequestSpec): Promise<void> {
  if (!spec.primer) return;
  const agent = new http.Agent({ keepAlive: false });
  try {
    const { status } = await timedRequest(agent, target.url, spec.primer);
    if (status < 200 || status >= 300) throw new Error(`primer for ${spec.label} via ${target.name} answered ${status}`);
  } finally {
    agent.destroy();
  }
}

/** Rotates a list by `shift` so each round starts with a different target (A B, B A, ...). */
export function rotate<T>(items: readonly T[], shift: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const s = ((shift % n) + n) % n;
  return [...items.slice(s), ...items.slice(0, s)];
}

/** The targets of a comparison: direct, floor and (when present) the gateway. */
export function baseTargets(ctx: Context): Target[] {
  return ctx.gateway ? [ctx.direct, ctx.floor, ctx.gateway] : [ctx.direct, ctx.floor];
}
