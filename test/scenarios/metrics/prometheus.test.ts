import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { extractDashboardExprs, loadDashboard } from './dashboard-exprs.js';
import { requireBinary } from '../../support/metrics-helpers.js';
import { startGatewayTarget } from './metrics-target.js';
import { startPrometheus, waitFor, type PrometheusHandle, type PromResult } from './prometheus-harness.js';

function samples(data: PromResult): number[] {
  if (data.resultType === 'scalar') return [Number((data.result as [number, string])[1])];
  return (data.result as { value?: [number, string] }[]).map((r) => Number(r.value?.[1]));
}

/** Runs Prometheus against a gateway target, waits until `ready` holds, then lists the panel queries without finite data. */
async function emptyPanels(t: TestContext, quiet: boolean, ready: (prom: PrometheusHandle) => Promise<true | undefined>): Promise<{ empty: string[]; log: string } | undefined> {
  const binary = requireBinary(t, 'prometheus');
  if (!binary) return undefined;
  const target = await startGatewayTarget({ quiet });
  const prom = await startPrometheus(binary, target.hostPort, target.metricsPath).catch(async (err: unknown) => {
    await target.close();
    throw err;
  });
  try {
    await waitFor('the target to be scraped', async () => (samples(await prom.query('up{job="mmexec"}'))[0] === 1 ? true : undefined), 15_000);
    await waitFor('the series the queries need', () => ready(prom), 15_000);
    const exprs = extractDashboardExprs(loadDashboard(), { rateInterval: '1m', interval: '1s', range: '5m' });
    const empty: string[] = [];
    for (const e of exprs) {
      const values = samples(await prom.query(e.expr));
      if (values.length === 0 || !values.every(Number.isFinite)) empty.push(`${e.panel} [${e.refId}]: ${e.expr} -> ${JSON.stringify(values)}`);
    }
    return { empty, log: prom.log() };
  } finally {
    await prom.close();
    await target.close();
  }
}

describe('dashboard against a real Prometheus', () => {
  // The target is a real gateway with the bundled rules, serving client traffic through fake upstreams.
  it('returns data for every dashboard expression', { timeout: 50_000 }, async (t) => {
    // rate() needs two samples that differ, and histogram_quantile needs bucket increases.
    const found = await emptyPanels(t, false, async (prom) => {
      const s = samples(await prom.query('sum(increase(mmexec_requests_total[1m]))'));
      return s.length > 0 && (s[0] ?? 0) > 0 ? true : undefined;
    });
    if (found) assert.deepEqual(found.empty, [], `expressions without finite data:\n${found.empty.join('\n')}\n${found.log}`);
  });

  // Before any request: what has not happened yet shows 0, never "No data".
  it('returns a finite value for every dashboard expression on a gateway that has served nothing', { timeout: 50_000 }, async (t) => {
    const found = await emptyPanels(t, true, async (prom) => {
      const s = samples(await prom.query('count_over_time(mmexec_build_info[1m])'));
      return (s[0] ?? 0) >= 3 ? true : undefined;
    });
    if (found) assert.deepEqual(found.empty, [], `expressions without finite data on a quiet gateway:\n${found.empty.join('\n')}\n${found.log}`);
  });
});
