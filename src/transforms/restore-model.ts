/** The `restore-model` response transform: answers report the model the client asked for. */
import { formatEvent } from '../upstream/sse-reader.js';
import type { TransformDefinition } from './transform.js';

/**
 * Claude Code drops thinking blocks of replies whose model differs from the one it asked for; reporting
 * the requested model keeps MiniMax's thinking in its history. Logs and metrics keep the real model.
 */
export const restoreModel: TransformDefinition = {
  name: 'restore-model',
  phase: 'response',
  description: "Reports the client's requested model in message_start and JSON answers (metrics keep the real model).",
  compile: () => ({
    name: 'restore-model',
    events: new Set(['message_start']),
    onEvent(ctx, ev) {
      const data = ev.json as { message?: { model?: unknown } } | undefined;
      const want = ctx.requestedModel;
      if (!want || !data?.message || data.message.model === want) return;
      const next = { ...data, message: { ...data.message, model: want } };
      return { event: ev.event, data: JSON.stringify(next), raw: formatEvent(ev.event, next), json: next };
    },
    onBody(ctx, body) {
      const json = body.json as { type?: unknown; model?: unknown } | undefined;
      const want = ctx.requestedModel;
      if (body.status >= 300 || !want || !json || json.type !== 'message' || json.model === want) return;
      const next = { ...json, model: want };
      return { status: body.status, json: next, raw: Buffer.from(JSON.stringify(next)) };
    },
  }),
};
