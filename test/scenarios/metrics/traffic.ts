/**
 * Realistic recorder traffic for tests that need a populated registry (promtool lint, Prometheus queries).
 */
import type { MetricsRecorder, Usage } from '../../../src/metrics/types.js';

const OPUS_TURN: Usage = {
  input_tokens: 12,
  output_tokens: 350,
  cache_read_input_tokens: 30000,
  cache_creation_input_tokens: 4000,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 4000 },
};
const MINIMAX_TURN: Usage = { input_tokens: 1500, output_tokens: 420, cache_read_input_tokens: 8000, cache_creation_input_tokens: 600 };
const HAIKU_TURN: Usage = {
  input_tokens: 250,
  output_tokens: 80,
  cache_read_input_tokens: 5000,
  cache_creation_input_tokens: 1200,
  cache_creation: { ephemeral_5m_input_tokens: 1200, ephemeral_1h_input_tokens: 0 },
};

/**
 * Records one round of mixed traffic: Opus on Anthropic, a session moved to MiniMax, a Haiku side call,
 * a local reply, an upstream 5xx, a sticky switch, a thinking conversion and a reload. `i` varies latencies.
 */
export function recordTrafficRound(recorder: MetricsRecorder, i: number, client?: string): void {
  const jitter = (i % 7) / 10;
  recorder.requestFinished({
    route: 'default', upstream: 'anthropic', model: 'claude-opus-4-8', requestedModel: 'claude-opus-4-8', client,
    status: 200, durationSeconds: 4 + jitter * 10, ttfbSeconds: 0.8 + jitter, overheadSeconds: 0.0002 + jitter / 1000,
    usage: OPUS_TURN,
  });
  recorder.requestFinished({
    route: 'mmexec-session', upstream: 'minimax', model: 'MiniMax-M2.7', requestedModel: 'claude-opus-4-8', client,
    status: 200, durationSeconds: 9 + jitter * 20, ttfbSeconds: 1.5 + jitter, overheadSeconds: 0.0004,
    usage: MINIMAX_TURN,
  });
  recorder.requestFinished({
    route: 'background', upstream: 'anthropic', model: 'claude-haiku-4-5-20251001', requestedModel: 'claude-haiku-4-5',
    client, status: 200, durationSeconds: 0.9 + jitter, ttfbSeconds: 0.3, overheadSeconds: 0.0001, usage: HAIKU_TURN,
  });
  recorder.requestFinished({
    route: 'mmexec-trigger', upstream: 'local', model: 'unknown', requestedModel: 'claude-opus-4-8', client,
    status: 200, durationSeconds: 0.002, overheadSeconds: 0.00005,
  });
  if (i % 3 === 0) {
    recorder.upstreamError('minimax', 'http_5xx');
    recorder.requestFinished({
      route: 'mmexec-session', upstream: 'minimax', model: 'MiniMax-M2.7', requestedModel: 'claude-opus-4-8', client,
      status: 502, durationSeconds: 0.6, ttfbSeconds: 0.6, overheadSeconds: 0.0003,
    });
    recorder.routeSwitch('anthropic', 'minimax');
    recorder.thinkingConverted(2);
  }
  if (i % 5 === 0) {
    recorder.upstreamError('anthropic', 'idle_timeout');
    recorder.routeSwitch('minimax', 'anthropic');
    recorder.configReload('success');
  }
}
