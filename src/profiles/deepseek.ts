/**
 * DeepSeek's Anthropic-compatible endpoint (https://api.deepseek.com/anthropic).
 *
 * Follows https://api-docs.deepseek.com/guides/anthropic_api ("Anthropic API Compatibility Details",
 * read 2026-12-01): anthropic-beta and anthropic-version ignored; temperature [0.0, 2.0]; thinking supported
 * (budget_tokens ignored); output_config "only effort is supported"; top_k, container, mcp_servers,
 * service_tier ignored; tool keys name, input_schema, description, cache_control; claude-* model names mapped,
 * unknown other names refused with 400. https://api-docs.deepseek.com/api/create-message (read 2026-12-01)
 * lists image blocks (base64, URL, uploaded file), the web search server tool and its result blocks;
 * https://api-docs.deepseek.com/quick_start/pricing (read 2026-12-01): 1M context, at most 384K output, image
 * understanding on deepseek-flash but not deepseek-v4-pro. https://api-docs.deepseek.com/guides/thinking_mode:
 * thinking `enabled`/`disabled`, effort via output_config.effort. Silent on: adaptive thinking, display,
 * documents, defer_loading, count_tokens; safe side: adaptive sent as enabled, display removed, documents
 * replaced, count_tokens answered locally. Peers report a 400 for `thinking: disabled` with an effort, so
 * effort is removed when thinking is off. Errors: https://api-docs.deepseek.com/quick_start/error_codes.
 */
import { CORE_TOOL_KEYS, TEXT_AND_TOOL_BLOCKS } from './common.js';
import type { ProviderProfile } from './types.js';

/** The DeepSeek profile. */
export const deepseek: ProviderProfile = {
  name: 'deepseek',
  title: 'DeepSeek (images on deepseek-flash only)',
  vendor: 'DeepSeek',
  docs: ['https://api-docs.deepseek.com/guides/anthropic_api', 'https://api-docs.deepseek.com/api/create-message'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: [...TEXT_AND_TOOL_BLOCKS, 'server_tool_use', 'web_search_tool_result'],
  imageSources: [],
  fields: ['model', 'messages', 'max_tokens', 'stream', 'system', 'temperature', 'top_p', 'stop_sequences', 'tools', 'tool_choice', 'metadata', 'thinking', 'output_config'],
  thinking: { types: ['enabled', 'disabled'], keys: ['type', 'budget_tokens'], adaptiveAs: 'enabled' },
  outputConfigKeys: ['effort'],
  effortNeedsThinking: true,
  toolKeys: CORE_TOOL_KEYS,
  serverTools: ['web_search'],
  temperature: { min: 0, max: 2 },
  topP: { min: 0, max: 1 },
  maxOutputTokens: 384_000,
  contextWindow: 1_000_000,
  betas: ['files-api-2025-04-14'],
  countTokens: false,
  variants: [{ models: /^deepseek-(v4-)?flash/, blocks: [...TEXT_AND_TOOL_BLOCKS, 'server_tool_use', 'web_search_tool_result', 'image'], imageSources: ['base64', 'url', 'file'] }],
  errors: [
    { status: [401], kind: 'auth' },
    { status: [402], kind: 'billing' },
    { status: [400, 422], kind: 'invalid' },
    { status: [429], kind: 'rate_limit' },
    { status: [500], kind: 'server' },
    { status: [503], kind: 'overloaded' },
  ],
};
