import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { compilePrices } from '../../../src/metrics/prices.js';
import { createMetrics, renderMetrics } from '../../../src/metrics/registry.js';
import { requireBinary } from '../../support/metrics-helpers.js';
import { recordTrafficRound } from './traffic.js';

function promtoolFindings(promtool: string, text: string): { status: number | null; findings: string[]; stderr: string } {
  const res = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  const findings = `${res.stdout}\n${res.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return { status: res.status, findings, stderr: res.stderr };
}

describe('promtool check metrics', () => {
  for (const clientLabel of [false, true]) {
    it(`accepts the exposition with traffic recorded${clientLabel ? ' and client labels' : ''}`, async (t) => {
      const promtool = requireBinary(t, 'promtool');
      if (!promtool) return;
      const { registry, recorder } = createMetrics({ version: '0.1.0', prices: compilePrices(), clientLabel });
      for (let i = 0; i < 20; i++) recordTrafficRound(recorder, i, clientLabel ? 'alice' : undefined);
      recorder.requestFinished({
        route: 'default', upstream: 'other-llm', model: 'unpriced-model', requestedModel: 'x', status: 200,
        durationSeconds: 1, usage: { input_tokens: 1, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
      });
      recorder.stateError('budget_incr');
      recorder.configReload('failure');
      const { body } = await renderMetrics(registry);

      const { status, findings } = promtoolFindings(promtool, body);
      assert.deepEqual(findings, [], `promtool findings:\n${findings.join('\n')}`);
      assert.equal(status, 0);
      assert.match(body, /^process_cpu_seconds_total /m, 'the process defaults are exported');
    });
  }

  it('finds nothing at all in the mmexec families alone', async (t) => {
    const promtool = requireBinary(t, 'promtool');
    if (!promtool) return;
    const { registry, recorder } = createMetrics({ version: '0.1.0', prices: compilePrices(), defaultMetrics: false });
    for (let i = 0; i < 6; i++) recordTrafficRound(recorder, i);
    const { status, findings } = promtoolFindings(promtool, (await renderMetrics(registry)).body);
    assert.deepEqual(findings, []);
    assert.equal(status, 0);
  });
});
