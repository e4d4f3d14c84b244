/**
 * The prom-client instruments of mmexec, with their fixed names, labels and buckets.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Buckets for whole-request durations: sub-second local replies up to 10-minute thinking turns. */
export const DURATION_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

/** Buckets for time to first upstream byte. */
export const TTFB_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120];

/** Buckets for the gateway's own overhead, 100 µs to 100 ms. */
export const OVERHEAD_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/** Every instrument mmexec exports, registered on one registry. */
export interface Instruments {
  requests: Counter<string>;
  tokens: Counter<string>;
  cost: Counter<string>;
  cacheCost: Counter<string>;
  savings: Counter<string>;
  unpriced: Counter<string>;
  duration: Histogram<string>;
  ttfb: Histogram<string>;
  overhead: Histogram<string>;
  upstreamErrors: Counter<string>;
  routeSwitches: Counter<string>;
  thinkingConverted: Counter<string>;
  configReloads: Counter<string>;
  stateErrors: Counter<string>;
  jsonataAborted: Counter<string>;
  stageErrors: Counter<string>;
  buildInfo: Gauge<string>;
}

/** Creates and registers the instruments on `registry`; `client` is appended to the usage families when asked. */
export function createInstruments(registry: Registry, clientLabel: boolean): Instruments {
  const registers = [registry];
  const withClient = (names: string[]): string[] => (clientLabel ? [...names, 'client'] : names);
  const counter = (name: string, help: string, labelNames: string[] = []): Counter<string> =>
    new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, labelNames: string[], buckets: readonly number[]): Histogram<string> =>
    new Histogram({ name, help, labelNames, buckets: [...buckets], registers });

  const buildInfo = new Gauge({
    name: 'mmexec_build_info',
    help: 'Constant 1, labelled with the mmexec version.',
    labelNames: ['version'],
    registers,
  });
  return {
    requests: counter(
      'mmexec_requests_total',
      'Requests finished, by route, upstream, served model and HTTP status.',
      withClient(['route', 'upstream', 'model', 'status']),
    ),
    tokens: counter(
      'mmexec_tokens_total',
      'Tokens reported by upstreams, by price class.',
      withClient(['upstream', 'model', 'type']),
    ),
    cost: counter('mmexec_cost_usd_total', 'Cost in USD at the configured prices.', withClient(['upstream', 'model'])),
    cacheCost: counter(
      'mmexec_cache_cost_usd_total',
      'The part of mmexec_cost_usd_total paid for prompt cache reads and for cache writes, by operation (read, write).',
      ['upstream', 'operation'],
    ),
    savings: counter(
      'mmexec_savings_usd_total',
      'USD saved by serving a cheaper model than requested (requested-model cost minus actual cost, when positive).',
      withClient(['upstream', 'model', 'requested_model']),
    ),
    unpriced: counter('mmexec_unpriced_requests_total', 'Requests with usage for a model without a price.', ['model']),
    duration: histogram(
      'mmexec_request_duration_seconds',
      'Time from request start to the last byte sent to the client.',
      ['route', 'upstream'],
      DURATION_BUCKETS,
    ),
    ttfb: histogram(
      'mmexec_time_to_first_byte_seconds',
      'Time from request start to the first upstream response byte.',
      ['upstream'],
      TTFB_BUCKETS,
    ),
    overhead: histogram(
      'mmexec_overhead_seconds',
      "The gateway's own time from the end of the client request to the upstream send.",
      [],
      OVERHEAD_BUCKETS,
    ),
    upstreamErrors: counter('mmexec_upstream_errors_total', 'Upstream failures, by kind.', ['upstream', 'kind']),
    routeSwitches: counter('mmexec_route_switches_total', 'Sticky session switches between upstreams.', [
      'from',
      'to',
    ]),
    thinkingConverted: counter(
      'mmexec_thinking_blocks_converted_total',
      'Thinking blocks converted or stripped because they came from another provider.',
    ),
    configReloads: counter('mmexec_config_reloads_total', 'Config reloads, by result.', ['result']),
    stateErrors: counter('mmexec_state_errors_total', 'Session state store failures, by operation.', ['operation']),
    jsonataAborted: counter('mmexec_jsonata_aborted_total', 'JSONata evaluations stopped by a limit (their requests failed), by reason.', ['reason']),
    stageErrors: counter('mmexec_stage_errors_total', 'Pipeline stages that threw (their responses ended with an error), by stage.', ['stage']),
    buildInfo,
  };
}
