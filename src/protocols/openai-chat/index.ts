/** The OpenAI Chat Completions protocol (`protocol: openai-chat`): https://platform.openai.com/docs/api-reference/chat */
import type { Protocol } from '../types.js';
import { translateChatAnswer } from './answer.js';
import { translateChatError } from './errors.js';
import { translateChatRequest } from './request.js';
import { ChatStreamAdapter } from './stream.js';

/** Requests go to the upstream URL's path + `/chat/completions` (e.g. https://api.openai.com/v1/chat/completions). */
export const openaiChat: Protocol = {
  name: 'openai-chat',
  messagesPath: '/chat/completions',
  translateRequest: translateChatRequest,
  createStreamAdapter: (requestedModel) => new ChatStreamAdapter(requestedModel),
  translateAnswer: translateChatAnswer,
  translateError: translateChatError,
};
