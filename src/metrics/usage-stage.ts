/**
 * The usage tap: a response stage that feeds the request's UsageTracker from the answer as the client gets
 * it from the upstream boundary (after any protocol translation), so cost is counted for every upstream.
 */
import type { ResponseStage } from '../pipeline/stage.js';
import { WANTED_EVENTS } from './usage.js';

/** Reads usage from message_start / message_delta events and from 2xx JSON answers; never rewrites. */
export const usageStage: ResponseStage = {
  name: 'usage',
  events: WANTED_EVENTS,
  onEvent(ctx, ev) {
    ctx.usage.onEvent(ev.event, ev.json);
  },
  onBody(ctx, body) {
    if (body.status < 300) ctx.usage.fromMessage(body.json);
  },
};
