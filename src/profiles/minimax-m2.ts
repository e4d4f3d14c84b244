/**
 * MiniMax M2.x (M2, M2.1, M2.5, M2.7 and their highspeed variants) on MiniMax's Anthropic-compatible endpoint.
 *
 * Follows https://platform.minimax.io/docs/api-reference/text-anthropic-api ("Compatibility → Supported
 * Parameters", read 2026-12-01): messages "Partial support: supports text and tool calls, no image/document
 * input"; temperature "range (0.0, 1.0]"; top_p, tools, tool_choice, metadata, thinking supported; top_k,
 * stop_sequences, service_tier, mcp_servers, context_management, container ignored (so not sent); 204,800-token
 * context window for every M2.x model. Max output 131,072 tokens, as MiniMax's own M2 integration notes state.
 * Silent on: adaptive thinking, output_config/effort, betas, defer_loading, server tools, count_tokens; the
 * profile takes the safe side (adaptive sent as enabled, the rest removed, count_tokens answered locally).
 * Error codes from https://platform.minimax.io/docs/api-reference/errorcode (read 2026-12-01): permanent
 * failures arrive as HTTP 500 whose message ends in the code.
 */
import { CORE_TOOL_KEYS, ENABLED_THINKING, TEXT_AND_TOOL_BLOCKS } from './common.js';
import type { ErrorRule, ProviderProfile } from './types.js';

/** MiniMax's error codes by kind, shared by the M2 and M3 profiles. */
export const MINIMAX_ERRORS: readonly ErrorRule[] = [
  { status: [401], kind: 'auth' },
  { codes: ['1004', '2049'], kind: 'auth' },
  { codes: ['1008'], kind: 'billing' },
  { codes: ['2061'], kind: 'plan' },
  { codes: ['1026', '1027'], kind: 'content' },
  { codes: ['2013'], kind: 'invalid' },
  { codes: ['1002'], kind: 'rate_limit' },
  { codes: ['1000', '1001', '1024', '1033'], kind: 'server' },
];

/** The fields MiniMax documents as supported (the ignored ones are left out, so they are not sent). */
export const MINIMAX_FIELDS = ['model', 'messages', 'max_tokens', 'stream', 'system', 'temperature', 'tool_choice', 'tools', 'top_p', 'metadata', 'thinking'] as const;

/** The MiniMax M2.x profile. */
export const minimaxM2: ProviderProfile = {
  name: 'minimax-m2',
  title: 'MiniMax M2.x (text and tool calls only)',
  vendor: 'MiniMax',
  docs: ['https://platform.minimax.io/docs/api-reference/text-anthropic-api'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: TEXT_AND_TOOL_BLOCKS,
  imageSources: [],
  fields: MINIMAX_FIELDS,
  thinking: ENABLED_THINKING,
  toolKeys: CORE_TOOL_KEYS,
  serverTools: [],
  temperature: { min: 0, max: 1, minExclusive: true },
  topP: { min: 0, max: 1, minExclusive: true },
  maxOutputTokens: 131_072,
  contextWindow: 204_800,
  betas: [],
  countTokens: false,
  errors: MINIMAX_ERRORS,
};
