/**
 * Qwen on Alibaba Cloud Model Studio's Anthropic-compatible endpoint (…/apps/anthropic).
 *
 * Follows https://www.alibabacloud.com/help/doc-detail/2980295.html ("Anthropic API compatibility",
 * read 2026-12-01): `thinking: {type: enabled, budget_tokens}` on the models that think; "Qwen-Coder (thinking
 * not supported)" and Qwen-Max only on the preview/dated models; and
 * https://help.aliyun.com/en/model-studio/anthropic-api-messages (`thinking: {type: disabled}` accepted).
 * Silent on: images and documents on this endpoint, adaptive thinking, effort, context_management, betas,
 * defer_loading, server tools, temperature range, max output, count_tokens. Safe side: images and documents
 * replaced, thinking removed on qwen3-coder* (adaptive sent as enabled elsewhere), temperature and top_p kept
 * in Anthropic's [0, 1], max_tokens capped at 65,536, the context window set to Qwen3-Coder's native 262,144
 * tokens (raise it with profile.context_window), count_tokens answered locally. Errors:
 * https://help.aliyun.com/en/model-studio/error-code (401 InvalidApiKey, 403 AccessDenied/Arrearage,
 * 404 ModelNotFound, 400 DataInspectionFailed, 429 Throttling).
 */
import { CORE_FIELDS, CORE_TOOL_KEYS, ENABLED_THINKING, TEXT_AND_TOOL_BLOCKS, UNIT_RANGE } from './common.js';
import type { ProviderProfile } from './types.js';

/** The Qwen profile. */
export const qwen: ProviderProfile = {
  name: 'qwen',
  title: 'Qwen on Alibaba Cloud Model Studio (text; no thinking on Qwen-Coder)',
  vendor: 'Model Studio',
  docs: ['https://www.alibabacloud.com/help/doc-detail/2980295.html', 'https://help.aliyun.com/en/model-studio/error-code'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: TEXT_AND_TOOL_BLOCKS,
  imageSources: [],
  fields: CORE_FIELDS,
  thinking: ENABLED_THINKING,
  toolKeys: CORE_TOOL_KEYS,
  serverTools: [],
  temperature: UNIT_RANGE,
  topP: UNIT_RANGE,
  maxOutputTokens: 65_536,
  contextWindow: 262_144,
  betas: [],
  countTokens: false,
  variants: [{ models: /^qwen3?-coder/, thinking: { types: [], keys: [] } }],
  errors: [
    { match: /Arrearage|overdue|good standing/i, kind: 'billing' },
    { match: /InvalidApiKey|invalid_api_key/i, kind: 'auth' },
    { match: /ModelNotFound|model_not_found/i, kind: 'not_found' },
    { match: /DataInspectionFailed|inappropriate/i, kind: 'content' },
    { match: /AllocationQuota|insufficient_quota|FreeTierOnly/i, kind: 'plan' },
    { status: [401], kind: 'auth' },
    { status: [403], kind: 'plan' },
    { status: [404], kind: 'not_found' },
    { status: [429], kind: 'rate_limit' },
    { status: [500, 502], kind: 'server' },
    { status: [503], kind: 'overloaded' },
  ],
};
