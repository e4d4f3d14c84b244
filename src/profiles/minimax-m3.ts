/**
 * MiniMax M3 on MiniMax's Anthropic-compatible endpoint.
 *
 * Follows https://platform.minimax.io/docs/api-reference/text-anthropic-api (supported models table:
 * MiniMax-M3, 1,000,000-token context window) and https://platform.minimax.io/docs/api-reference/text-chat-anthropic
 * (read 2026-12-01): "Image and video understanding", an image block with a `url` source in the example,
 * "Control thinking via the thinking parameter" with `{type: "adaptive"}`. The parameter table of the first
 * page (temperature (0, 1], ignored fields) is kept from M2. Silent on: documents, base64 images,
 * thinking.display, output_config/effort, betas, defer_loading, server tools, max output, count_tokens. The
 * profile takes the safe side: URL and base64 images are kept (the page shows URL images and Anthropic's image
 * block), documents are replaced, `display` and the rest removed, max_tokens capped at 131,072 (the M2 limit)
 * and count_tokens answered locally.
 */
import { CORE_TOOL_KEYS, TEXT_AND_TOOL_BLOCKS } from './common.js';
import { MINIMAX_ERRORS, MINIMAX_FIELDS } from './minimax-m2.js';
import type { ProviderProfile } from './types.js';

/** The MiniMax M3 profile. */
export const minimaxM3: ProviderProfile = {
  name: 'minimax-m3',
  title: 'MiniMax M3 (images, adaptive thinking, 1M context)',
  vendor: 'MiniMax',
  docs: ['https://platform.minimax.io/docs/api-reference/text-anthropic-api', 'https://platform.minimax.io/docs/api-reference/text-chat-anthropic'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: [...TEXT_AND_TOOL_BLOCKS, 'image'],
  imageSources: ['url', 'base64'],
  fields: MINIMAX_FIELDS,
  thinking: { types: ['adaptive', 'enabled', 'disabled'], keys: ['type', 'budget_tokens'] },
  toolKeys: CORE_TOOL_KEYS,
  serverTools: [],
  temperature: { min: 0, max: 1, minExclusive: true },
  topP: { min: 0, max: 1, minExclusive: true },
  maxOutputTokens: 131_072,
  contextWindow: 1_000_000,
  betas: [],
  countTokens: false,
  errors: MINIMAX_ERRORS,
};
