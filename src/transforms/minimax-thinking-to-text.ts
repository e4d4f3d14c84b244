/** The `minimax-thinking-to-text` request transform (see src/thinking/convert.ts and convert-body.ts). */
import { keepThinkingValidIn } from '../thinking/convert.js';
import { convertThinking } from '../thinking/convert-body.js';
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
      const payload = ctx.payload;
      // A byte search rules out most requests without parsing the history.
      if (!payload?.mayHoldThinking()) return;
      const store = ctx.services.thinking;
      const n = await convertThinking(payload, store);
      if (n === 0) return;
      keepThinkingValidIn(payload);
      ctx.thinkingConverted += n;
      ctx.services.recorder.thinkingConverted(n);
    },
  }),
};
