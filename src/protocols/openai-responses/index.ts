/**
 * The `openai-responses` protocol: upstreams speaking OpenAI's Responses API (POST {url}/responses,
 * https://platform.openai.com/docs/api-reference/responses). Mapping described in docs/openai-responses-protocol.md.
 */
import type { Protocol } from '../types.js';
import { translateAnswer } from './answer.js';
import { translateError } from './error-translation.js';
import { translateRequest } from './request.js';
import { ResponsesStreamAdapter } from './stream-adapter.js';

/** The protocol object; stateless (one stream adapter is created per response). */
export const openaiResponses: Protocol = Object.freeze({
  name: 'openai-responses',
  messagesPath: '/responses',
  translateRequest,
  createStreamAdapter: (requestedModel: string | undefined) => new ResponsesStreamAdapter(requestedModel),
  translateAnswer,
  translateError,
});
