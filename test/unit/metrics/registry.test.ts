import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Registry } from 'prom-client';
import { compilePrices } from '../../../src/metrics/prices.js';
import { createMetrics, renderMetrics, type MetricsOptions } from '../../../src/metrics/registry.js';
import { STATE_OPERATIONS, UPSTREAM_ERROR_KINDS, type RequestRecord, type Usage } from '../../../src/metrics/types.js';
import { assertUsd } from '../../support/metrics-helpers.js';

type Labels = Record<string, string | number>;

async function series(registry: Registry, name: string): Promise<{ labels: Labels; value: number }[]> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  const { values } = await metric.get();
  return values.map((v) => ({ labels: v.labels as Labels, value: v.value }));
}

async function valueOf(registry: Registry, name: string, match: Labels = {}): Promise<number | undefined> {
  const found = (await series(registry, name)).filter((s) =>
    Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
  return found.length ? found.reduce((a, s) => a + s.value, 0) : undefined;
}

function setup(extra: Partial<MetricsOptions> = {}) {
  const warnings: { msg: string; meta?: object }[] = [];
  const metrics = createMetrics({
    version: '0.1.0',
    prices: compilePrices(),
    defaultMetrics: false,
    logger: { warn: (msg, meta) => warnings.push({ msg, meta }) },
    ...extra,
  });
  return { ...metrics, warnings };
}

const USAGE: Usage = { input_tokens: 1000, output_tokens: 500, cache_read_input_tokens: 20000, cache_creation_input_tokens: 3000 };

function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    route: 'default',
    upstream: 'anthropic',
    model: 'claude-opus-4-8',
    requestedModel: 'claude-opus-4-8',
    status: 200,
    durationSeconds: 2.5,
    ttfbSeconds: 0.4,
    overheadSeconds: 0.0003,
    usage: USAGE,
    ...over,
  };
}

describe('createMetrics', () => {
  it('counts the request, its tokens by type and its cost', async () => {
    const { registry, recorder } = setup();
    const { costUsd, savingsUsd } = recorder.requestFinished(record());
    // 1000×5 + 20000×0.5 + 3000×6.25 + 500×25 = 46250 → /1e6
    assertUsd(costUsd, 0.04625);
    assert.equal(savingsUsd, 0);
    assert.equal(await valueOf(registry, 'mmexec_requests_total', { route: 'default', status: '200' }), 1);
    assertUsd((await valueOf(registry, 'mmexec_cost_usd_total', { upstream: 'anthropic' })) ?? -1, 0.04625);
    const tokens = Object.fromEntries(
      (await series(registry, 'mmexec_tokens_total')).map((s) => [s.labels.type, s.value]),
    );
    assert.deepEqual(tokens, { input: 1000, output: 500, cache_read: 20000, cache_write_5m: 3000 });
    assert.equal(await valueOf(registry, 'mmexec_savings_usd_total'), undefined);
  });

  it('records savings when a cheaper model serves the request', async () => {
    const { registry, recorder } = setup();
    const r = recorder.requestFinished(record({ upstream: 'minimax', model: 'MiniMax-M2.7' }));
    // actual: 1000×0.3 + 20000×0.06 + 3000×0.375 + 500×1.2 = 3225 → 0.003225
    // requested (Opus 4.8): 46250 → 0.04625; savings 0.04625 − 0.003225 = 0.043025
    assertUsd(r.costUsd, 0.003225);
    assertUsd(r.savingsUsd, 0.043025, 'savings');
    const saved = await valueOf(registry, 'mmexec_savings_usd_total', {
      upstream: 'minimax',
      model: 'MiniMax-M2.7',
      requested_model: 'claude-opus-4-8',
    });
    assertUsd(saved ?? -1, 0.043025, 'savings series');
  });

  it('records zero savings when a pricier model serves the request', async () => {
    const { registry, recorder } = setup();
    // served Opus 4.8 (0.04625) for a Sonnet request (1000×3 + 20000×0.3 + 3000×3.75 + 500×15 = 27750 → 0.02775)
    const r = recorder.requestFinished(record({ requestedModel: 'claude-sonnet-4-6' }));
    assert.equal(r.savingsUsd, 0);
    assert.equal(await valueOf(registry, 'mmexec_savings_usd_total', { requested_model: 'claude-sonnet-4-6' }), 0);
  });

  it('records no savings when the requested model is unpriced or the same', async () => {
    const { registry, recorder } = setup();
    recorder.requestFinished(record({ requestedModel: 'some-alias' }));
    recorder.requestFinished(record({ requestedModel: 'CLAUDE-OPUS-4-8' }));
    recorder.requestFinished(record({ requestedModel: 'unknown' }));
    assert.equal(await valueOf(registry, 'mmexec_savings_usd_total'), undefined);
  });

  it('counts unpriced models at zero cost and warns once per model', async () => {
    const { registry, recorder, warnings } = setup();
    for (let i = 0; i < 3; i++) assert.equal(recorder.requestFinished(record({ model: 'mystery-1' })).costUsd, 0);
    recorder.requestFinished(record({ model: 'mystery-2' }));
    recorder.requestFinished(record({ model: 'mystery-3', usage: undefined }));
    assert.equal(await valueOf(registry, 'mmexec_unpriced_requests_total', { model: 'mystery-1' }), 3);
    assert.equal(await valueOf(registry, 'mmexec_unpriced_requests_total', { model: 'mystery-2' }), 1);
    assert.equal(await valueOf(registry, 'mmexec_unpriced_requests_total', { model: 'mystery-3' }), undefined);
    assert.deepEqual(
      warnings.map((w) => w.meta),
      [{ model: 'mystery-1' }, { model: 'mystery-2' }],
    );
    assert.equal(await valueOf(registry, 'mmexec_cost_usd_total', { model: 'mystery-1' }), 0);
  });

  it('bounds model labels: sanitised, length-capped, and `other` past the cap', async () => {
    const { registry, recorder } = setup({ maxModels: 3 });
    for (const model of ['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-1']) recorder.requestFinished(record({ model, usage: undefined }));
    const models = (await series(registry, 'mmexec_requests_total')).map((s) => s.labels.model).sort();
    assert.deepEqual(models, ['m-1', 'm-2', 'm-3', 'other']);
    assert.equal(await valueOf(registry, 'mmexec_requests_total', { model: 'other' }), 2);

    const wide = setup();
    wide.recorder.requestFinished(record({ model: `x"y{z}\n${'a'.repeat(200)}`, usage: undefined }));
    const [label] = (await series(wide.registry, 'mmexec_requests_total')).map((s) => String(s.labels.model));
    assert.equal(label, `x_y_z__${'a'.repeat(57)}`);
    assert.equal(label?.length, 64);
  });

  it('keeps at most 100 distinct model values by default', async () => {
    const { registry, recorder } = setup();
    for (let i = 0; i < 250; i++) recorder.requestFinished(record({ model: `model-${i}`, usage: undefined }));
    const models = new Set((await series(registry, 'mmexec_requests_total')).map((s) => s.labels.model));
    assert.equal(models.size, 101);
    assert.ok(models.has('other'));
  });

  it('adds a client label only when asked', async () => {
    const plain = setup();
    plain.recorder.requestFinished(record({ client: 'alice' }));
    assert.ok((await series(plain.registry, 'mmexec_cost_usd_total')).every((s) => !('client' in s.labels)));
    const per = setup({ clientLabel: true });
    per.recorder.requestFinished(record({ client: 'alice' }));
    per.recorder.requestFinished(record());
    for (const name of ['mmexec_requests_total', 'mmexec_tokens_total', 'mmexec_cost_usd_total']) {
      const clients = new Set((await series(per.registry, name)).map((s) => s.labels.client));
      assert.deepEqual([...clients].sort(), ['alice', 'unknown'], name);
    }
  });

  it('observes latencies and ignores invalid ones', async () => {
    const { registry, recorder } = setup();
    recorder.requestFinished(record());
    recorder.requestFinished(record({ durationSeconds: Number.NaN, ttfbSeconds: -1, overheadSeconds: undefined }));
    assert.equal(await valueOf(registry, 'mmexec_request_duration_seconds', { le: '+Inf' }), 1);
    assert.equal(await valueOf(registry, 'mmexec_time_to_first_byte_seconds', { le: '+Inf' }), 1);
    assert.equal(await valueOf(registry, 'mmexec_overhead_seconds', { le: 0.0005 }), 1);
    assert.equal(await valueOf(registry, 'mmexec_overhead_seconds', { le: 0.00025 }), 0);
  });

  it('counts errors, switches, conversions, reloads and state errors', async () => {
    const { registry, recorder } = setup();
    recorder.upstreamError('minimax', 'http_5xx');
    recorder.upstreamError('minimax', 'http_5xx');
    recorder.routeSwitch('anthropic', 'minimax');
    recorder.thinkingConverted(3);
    recorder.thinkingConverted(0);
    recorder.thinkingConverted(Number.NaN);
    recorder.configReload('success');
    recorder.configReload('failure');
    recorder.stateError('sticky_get');
    assert.equal(await valueOf(registry, 'mmexec_upstream_errors_total', { upstream: 'minimax', kind: 'http_5xx' }), 2);
    assert.equal(await valueOf(registry, 'mmexec_route_switches_total', { from: 'anthropic', to: 'minimax' }), 1);
    assert.equal(await valueOf(registry, 'mmexec_thinking_blocks_converted_total'), 3);
    assert.equal(await valueOf(registry, 'mmexec_config_reloads_total', { result: 'failure' }), 1);
    assert.equal(await valueOf(registry, 'mmexec_state_errors_total', { operation: 'sticky_get' }), 1);
    assert.equal(await valueOf(registry, 'mmexec_build_info', { version: '0.1.0' }), 1);
  });

  it('starts the series of known label sets at 0, and counts on from there', async () => {
    const { registry, recorder } = setup();
    recorder.declareKnown({ upstreams: ['anthropic', 'minimax'], stickyValues: ['minimax', 'minimax'] });
    for (const upstream of ['anthropic', 'minimax']) {
      for (const kind of UPSTREAM_ERROR_KINDS) assert.equal(await valueOf(registry, 'mmexec_upstream_errors_total', { upstream, kind }), 0, `${upstream} ${kind}`);
    }
    for (const result of ['success', 'failure']) assert.equal(await valueOf(registry, 'mmexec_config_reloads_total', { result }), 0);
    for (const operation of STATE_OPERATIONS) assert.equal(await valueOf(registry, 'mmexec_state_errors_total', { operation }), 0);
    assert.equal(await valueOf(registry, 'mmexec_route_switches_total', { from: 'none', to: 'minimax' }), 0);
    assert.equal(await valueOf(registry, 'mmexec_route_switches_total', { from: 'minimax', to: 'none' }), 0);
    const switches = (await registry.getSingleMetric('mmexec_route_switches_total')!.get()).values;
    assert.equal(switches.length, 2, 'only switches between none and the sticky values');
    recorder.upstreamError('minimax', 'connect');
    recorder.declareKnown({ upstreams: ['minimax'], stickyValues: [] });
    assert.equal(await valueOf(registry, 'mmexec_upstream_errors_total', { upstream: 'minimax', kind: 'connect' }), 1, 'a reload keeps the counts');
  });

  it('never throws, even on garbage records or a throwing logger', () => {
    const { recorder } = setup({ logger: { warn: () => { throw new Error('logger down'); } } });
    const garbage = [
      {} as RequestRecord,
      record({ model: undefined as unknown as string, usage: { output_tokens: 'x' } as unknown as Usage }),
      record({ model: 'unpriced', status: Number.NaN }),
      null as unknown as RequestRecord,
    ];
    for (const r of garbage) assert.doesNotThrow(() => recorder.requestFinished(r));
    assert.doesNotThrow(() => recorder.upstreamError(undefined as unknown as string, 'connect'));
  });

  it('gives each call its own registry', async () => {
    const a = setup({ defaultMetrics: true });
    const b = setup({ defaultMetrics: true });
    a.recorder.requestFinished(record());
    assert.equal(await valueOf(b.registry, 'mmexec_requests_total'), undefined);
    const { contentType, body } = await renderMetrics(a.registry);
    assert.match(contentType, /text\/plain/);
    assert.match(body, /^mmexec_requests_total\{route="default",upstream="anthropic",model="claude-opus-4-8",status="200"\} 1$/m);
    assert.match(body, /^process_cpu_seconds_total /m);
  });
});
