/**
 * Zhipu GLM on Z.ai's Anthropic-compatible endpoint (https://api.z.ai/api/anthropic).
 *
 * Z.ai documents the endpoint for Claude Code but not what it accepts; the profile follows the model API:
 * https://docs.z.ai/api-reference/llm/chat-completion (read 2026-12-01: `thinking` on GLM-4.5 and later,
 * temperature [0.0, 1.0], top_p (0.0, 1.0]; GLM-4.6 is a text model, vision models are separate) and
 * https://docs.z.ai/guides/overview/concept-param (thinking `{type: enabled|disabled}`); GLM-4.6 has a
 * 200K context and 128K output. Peers report GLM refusing adaptive thinking. Silent on: images and documents
 * on the Anthropic endpoint, effort, context_management, betas, defer_loading, server tools, count_tokens.
 * Safe side: adaptive sent as enabled, images and documents replaced, the rest removed, count_tokens answered
 * locally. Errors: https://docs.z.ai/api-reference/api-code (1000-1004 authentication, 1113 account in arrears
 * sent as HTTP 429, 1211 unknown model, 1301 unsafe content, 1302 concurrency).
 */
import { CORE_FIELDS, CORE_TOOL_KEYS, ENABLED_THINKING, TEXT_AND_TOOL_BLOCKS } from './common.js';
import type { ProviderProfile } from './types.js';

/** The GLM profile. */
export const glm: ProviderProfile = {
  name: 'glm',
  title: 'Zhipu GLM (text; enabled thinking only)',
  vendor: 'Z.ai',
  docs: ['https://docs.z.ai/api-reference/llm/chat-completion', 'https://docs.z.ai/api-reference/api-code'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: TEXT_AND_TOOL_BLOCKS,
  imageSources: [],
  fields: CORE_FIELDS,
  thinking: ENABLED_THINKING,
  toolKeys: CORE_TOOL_KEYS,
  serverTools: [],
  temperature: { min: 0, max: 1 },
  topP: { min: 0, max: 1, minExclusive: true },
  maxOutputTokens: 131_072,
  contextWindow: 200_000,
  betas: [],
  countTokens: false,
  errors: [
    { codes: ['1000', '1001', '1002', '1003', '1004'], kind: 'auth' },
    { codes: ['1110', '1111', '1112', '1113', '1121'], kind: 'billing' },
    { codes: ['1211'], kind: 'not_found' },
    { codes: ['1220'], kind: 'plan' },
    { codes: ['1301'], kind: 'content' },
    { codes: ['1210', '1213', '1214', '1215'], kind: 'invalid' },
    { codes: ['1302', '1303', '1304', '1305'], kind: 'rate_limit' },
    { status: [401], kind: 'auth' },
    { status: [429], match: /balance|arrears|recharge/i, kind: 'billing' },
    { status: [429], kind: 'rate_limit' },
    { status: [500], kind: 'server' },
  ],
};
