/**
 * Placeholder for the OpenAI Responses protocol: a rule file naming it fails to load with a clear error
 * (see `available`), until the translation is written.
 */
import type { Protocol } from '../types.js';

const notAvailable = (): never => {
  throw new Error('protocol openai-responses is not available in this version of mmexec');
};

/** The OpenAI Responses protocol (not available yet: `available` is false, so the compiler refuses it). */
export const openaiResponses: Protocol & { readonly available: false } = {
  name: 'openai-responses',
  messagesPath: '/responses',
  available: false,
  translateRequest: notAvailable,
  createStreamAdapter: notAvailable,
  translateAnswer: notAvailable,
  translateError: notAvailable,
};
