/**
 * The metrics layer's public surface: types, prices, cost, usage tracking and the Prometheus registry.
 */
export { NULL_RECORDER } from './types.js';
export type { MetricsRecorder, RequestRecord, Usage, UpstreamErrorKind } from './types.js';
export { DEFAULT_PRICES, compilePrices, completePriceEntry, globToRegExp } from './prices.js';
export type { PartialPriceEntry, Price, PriceEntry, PriceTable } from './prices.js';
export { TOKEN_TYPES, costOf, tokensByType } from './cost.js';
export type { TokensByType } from './cost.js';
export { UsageTracker, WANTED_EVENTS } from './usage.js';
export { LabelLimiter, sanitizeLabel } from './labels.js';
export { createMetrics, renderMetrics } from './registry.js';
export type { Metrics, MetricsLogger, MetricsOptions } from './registry.js';
