import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compilePrices } from '../../../src/metrics/prices.js';
import { createMetrics } from '../../../src/metrics/registry.js';
import { extractDashboardExprs, loadDashboard, substitute, variableValues } from './dashboard-exprs.js';
import { requireBinary } from '../../support/metrics-helpers.js';

type Obj = Record<string, unknown>;
const dashboard = loadDashboard() as Obj;
const panels = (dashboard.panels as Obj[]).filter((p) => p.type !== 'row');
const exprs = extractDashboardExprs(dashboard);

describe('Grafana dashboard', () => {
  it('declares a Prometheus datasource variable and schema version 39', () => {
    const vars = (dashboard.templating as { list: Obj[] }).list;
    const ds = vars.find((v) => v.name === 'datasource');
    assert.equal(ds?.type, 'datasource');
    assert.equal(ds?.query, 'prometheus');
    assert.equal(dashboard.schemaVersion, 39);
    assert.ok(Array.isArray(dashboard.__inputs));
  });

  it('points every panel and every target at ${datasource}', () => {
    for (const p of panels) {
      assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, String(p.title));
      for (const t of p.targets as Obj[]) {
        assert.deepEqual(t.datasource, { type: 'prometheus', uid: '${datasource}' }, `${String(p.title)} ${String(t.refId)}`);
      }
    }
  });

  it('has the panels operators look for', () => {
    const titles = panels.map((p) => p.title);
    for (const title of ['Cost per provider', 'Cumulative cost and savings', 'Tokens by type', 'Requests by route',
      'Request latency', 'Time to first byte', 'Upstream errors', '5xx share', 'Sticky switches',
      'Cache hit ratio per upstream', 'Cache cost: writes vs reads', 'Budget remaining']) {
      assert.ok(titles.includes(title), title);
    }
    const latency = exprs.filter((e) => e.panel === 'Request latency').map((e) => e.raw);
    for (const q of ['0.5', '0.95', '0.99']) {
      assert.ok(latency.some((e) => e.startsWith(`histogram_quantile(${q},`) && e.includes('mmexec_request_duration_seconds_bucket')), q);
    }
  });

  it('shows the cache hit ratio and cache cost per upstream, and the budget left per client and period', () => {
    const of = (panel: string): string[] => exprs.filter((e) => e.panel === panel).map((e) => e.raw);
    const ratio = of('Cache hit ratio per upstream');
    assert.ok(ratio.some((e) => e.startsWith('sum by (upstream) (rate(mmexec_tokens_total{') && e.includes('type="cache_read"') && e.includes('type=~"input|cache_read|cache_write_5m|cache_write_1h"')), ratio.join('\n'));
    assert.ok(of('Cache cost: writes vs reads').some((e) => e.includes('sum by (upstream, operation) (rate(mmexec_cache_cost_usd_total')));
    assert.ok(of('Budget remaining').some((e) => e.includes('by (client, period) (mmexec_budget_remaining_usd)')));
    assert.equal(panels.find((p) => p.title === 'Budget remaining')?.type, 'gauge');
  });

  it('queries only metrics the recorder exports', async () => {
    const { registry } = createMetrics({ version: 't', prices: compilePrices(), defaultMetrics: false });
    const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));
    for (const e of exprs) {
      for (const name of e.raw.match(/mmexec_\w+/g) ?? []) {
        assert.ok(exported.has(name.replace(/_(bucket|sum|count)$/, '')), `${e.panel}: ${name}`);
      }
    }
  });

  it('substitutes Grafana variables and rejects unknown ones', () => {
    const values = variableValues(dashboard, { rateInterval: '1m', interval: '15s', range: '5m' });
    assert.equal(substitute('rate(x{u=~"$upstream"}[$__rate_interval])', values), 'rate(x{u=~".*"}[1m])');
    assert.equal(substitute('increase(x[${__range}]) / $__range_s', values), 'increase(x[5m]) / 300');
    assert.throws(() => substitute('rate(x[$nope])', values), /\$nope/);
    assert.ok(exprs.length >= 15);
    for (const e of exprs) assert.ok(!e.expr.includes('$'), e.expr);
  });

  it('parses as PromQL (promtool check rules)', (t) => {
    const promtool = requireBinary(t, 'promtool');
    if (!promtool) return;
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-dash-'));
    try {
      const rules = exprs.map((e, i) => `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(e.expr)}`);
      const file = join(dir, 'rules.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const res = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
