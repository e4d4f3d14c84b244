/**
 * OpenRouter's Anthropic-compatible endpoint (https://openrouter.ai/api).
 *
 * OpenRouter's official Claude Code guide, as quoted at https://www.developersdigest.tech/setup/openrouter/claude-code
 * (read 2026-12-01; the guide's own page was not among the pages read), points Claude Code at the endpoint
 * unchanged, so Claude Code's fields, betas, images and thinking are kept. Silent on: mid-conversation `system` turns (folded, the safe side) and count_tokens (answered
 * locally); the context window depends on the model chosen (set profile.context_window). Errors:
 * https://openrouter.ai/docs/api/reference/errors-and-debugging (401 invalid credentials, 402 insufficient
 * credits, 403 moderation, 408 timeout, 429 rate limit with Retry-After, 502 model down, 503 no provider).
 */
import { KNOWN_BLOCKS } from './common.js';
import type { ProviderProfile } from './types.js';

/** The OpenRouter profile. */
export const openrouter: ProviderProfile = {
  name: 'openrouter',
  title: 'OpenRouter (Claude Code requests kept; private data removed)',
  vendor: 'OpenRouter',
  docs: ['https://www.developersdigest.tech/setup/openrouter/claude-code', 'https://openrouter.ai/docs/api/reference/errors-and-debugging'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: KNOWN_BLOCKS,
  imageSources: ['base64', 'url', 'file'],
  fields: 'all',
  thinking: 'keep',
  toolKeys: 'all',
  serverTools: 'all',
  betas: 'all',
  countTokens: false,
  errors: [
    { status: [401], kind: 'auth' },
    { status: [402], kind: 'billing' },
    { status: [403], kind: 'content' },
    { status: [429], kind: 'rate_limit' },
    { status: [408, 502], kind: 'server' },
    { status: [503], kind: 'overloaded' },
  ],
};
