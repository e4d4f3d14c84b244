/** The `minimax-thinking-to-text` request transform (see src/thinking/convert.ts). */
import { convertForeignThinking, keepThinkingValid } from '../thinking/convert.js';
import type { TransformDefinition } from './transform.js';

/** Converts foreign thinking blocks to text blocks before a request reaches Anthropic. */
export const minimaxThinkingToText: TransformDefinition = {
  name: 'minimax-thinking-to-text',
  phase: 'request',
  description:
    'Turns thinking blocks signed by MiniMax (signature = SHA-256 of the text) or recorded from non-Anthropic answers into text blocks "previous assistant thought process: ...", and keeps manual thinking valid.',
  compile: () => ({
    name: 'minimax-thinking-to-text',
    async onRequest(ctx) {
      // A byte search rules out most requests without parsing the history.
      if (!ctx.payload?.mayHoldThinking() || !ctx.body || !Array.isArray(ctx.body.messages)) return;
      const n = await convertForeignThinking(ctx.body, ctx.services.thinking);
      if (n === 0) return;
      keepThinkingValid(ctx.body);
      ctx.thinkingConverted += n;
      ctx.services.recorder.thinkingConverted(n);
      ctx.markChanged();
    },
  }),
};
