import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractDashboardExprs, loadDashboard } from './dashboard-exprs.js';
import { requireBinary } from './helpers.js';
import { startGatewayTarget } from './metrics-target.js';
import { startPrometheus, waitFor, type PromResult } from './prometheus-harness.js';

function samples(data: PromResult): number[] {
  if (data.resultType === 'scalar') return [Number((data.result as [number, string])[1])];
  return (data.result as { value?: [number, string] }[]).map((r) => Number(r.value?.[1]));
}

describe('dashboard against a real Prometheus', () => {
  // The target is a real gateway with the bundled rules, serving client traffic through fake upstreams.
  it('returns data for every dashboard expression', { timeout: 50_000 }, async (t) => {
    const binary = requireBinary(t, 'prometheus');
    if (!binary) return;
    const target = await startGatewayTarget();
    const prom = await startPrometheus(binary, target.hostPort, target.metricsPath).catch(async (err: unknown) => {
      await target.close();
      throw err;
    });
    try {
      await waitFor('the target to be scraped', async () => {
        const up = samples(await prom.query('up{job="mmexec"}'));
        return up[0] === 1 ? true : undefined;
      }, 15_000);
      // rate() needs two samples that differ, and histogram_quantile needs bucket increases.
      await waitFor('counters to increase between scrapes', async () => {
        const s = samples(await prom.query('sum(increase(mmexec_requests_total[1m]))'));
        return s.length > 0 && (s[0] ?? 0) > 0 ? true : undefined;
      }, 15_000);

      const exprs = extractDashboardExprs(loadDashboard(), { rateInterval: '1m', interval: '1s', range: '5m' });
      const empty: string[] = [];
      for (const e of exprs) {
        const values = samples(await prom.query(e.expr));
        if (!values.some(Number.isFinite)) empty.push(`${e.panel} [${e.refId}]: ${e.expr} -> ${JSON.stringify(values)}`);
      }
      assert.deepEqual(empty, [], `expressions without finite data:\n${empty.join('\n')}\n${prom.log()}`);
    } finally {
      await prom.close();
      await target.close();
    }
  });
});
