/**
 * Moonshot Kimi's Anthropic-compatible endpoint (https://api.moonshot.ai/anthropic).
 *
 * Kimi's documentation (https://platform.kimi.ai/docs, read 2026-12-01) gives the endpoint but no list of
 * what it accepts; the profile follows the Chat API pages: https://platform.kimi.ai/docs/api/models-overview
 * (kimi-k2.5/k2.6 take `thinking: {type: enabled|disabled}` and fix temperature and top_p; the other K2 models
 * take no thinking parameter) and https://platform.kimi.ai/docs/guide/migrating-from-openai-to-kimi
 * (temperature in [0, 1]); 262,144-token context for the K2 series. Silent on: images and documents on the
 * Anthropic endpoint, adaptive thinking, effort, context_management, betas, defer_loading, server tools, max
 * output, count_tokens, thinking blocks in the history (kept, as every Anthropic-compatible endpoint takes them). Safe side: images and documents replaced, thinking removed except on k2.5+ (adaptive
 * sent as enabled), max_tokens capped at 32,768 (the docs' own example), count_tokens answered locally.
 * Errors: https://platform.kimi.com/docs/api/errors and https://www.kimi.com/help/kimi-api/api-troubleshooting
 * (401 bad key, 403 insufficient balance, 400 content_filter, 429 rate limit).
 */
import { CORE_FIELDS, CORE_TOOL_KEYS, ENABLED_THINKING, TEXT_AND_TOOL_BLOCKS, UNIT_RANGE } from './common.js';
import type { ProviderProfile } from './types.js';

/** The Kimi profile. */
export const kimi: ProviderProfile = {
  name: 'kimi',
  title: 'Moonshot Kimi K2 (text; thinking on k2.5 and later)',
  vendor: 'Moonshot',
  docs: ['https://platform.kimi.ai/docs/api/models-overview', 'https://platform.kimi.com/docs/api/errors'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: TEXT_AND_TOOL_BLOCKS,
  imageSources: [],
  fields: CORE_FIELDS,
  thinking: { types: [], keys: [] },
  toolKeys: CORE_TOOL_KEYS,
  serverTools: [],
  temperature: UNIT_RANGE,
  topP: UNIT_RANGE,
  maxOutputTokens: 32_768,
  contextWindow: 262_144,
  betas: [],
  countTokens: false,
  variants: [{ models: /^kimi-k2\.([5-9]|\d{2,})/, thinking: ENABLED_THINKING, temperature: 'drop', topP: 'drop' }],
  errors: [
    { status: [401], kind: 'auth' },
    { status: [403], match: /balance|quota|billing/i, kind: 'billing' },
    { status: [400], match: /content_filter|high risk/i, kind: 'content' },
    { status: [400], match: /token limit|too long/i, kind: 'invalid' },
    { status: [429], match: /quota|balance/i, kind: 'billing' },
    { status: [429], kind: 'rate_limit' },
    { status: [500, 502], kind: 'server' },
    { status: [503], kind: 'overloaded' },
  ],
};
