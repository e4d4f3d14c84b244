/**
 * Anthropic's own Messages API: everything Claude Code sends is accepted, so nothing is changed.
 *
 * Follows https://docs.claude.com/en/api/messages and https://docs.claude.com/en/api/errors (read 2026-12-01):
 * count_tokens is served; Anthropic answers an over-long prompt itself ("prompt is too long"), so the profile
 * sets no context window; its error types already tell Claude Code what to retry.
 */
import { KNOWN_BLOCKS } from './common.js';
import type { ProviderProfile } from './types.js';

/** The Anthropic profile. */
export const anthropic: ProviderProfile = {
  name: 'anthropic',
  title: 'Anthropic (unchanged)',
  vendor: 'Anthropic',
  docs: ['https://docs.claude.com/en/api/messages'],
  firstParty: true,
  roles: ['user', 'assistant', 'system'],
  blocks: KNOWN_BLOCKS,
  imageSources: ['base64', 'url', 'file'],
  fields: 'all',
  thinking: 'keep',
  toolKeys: 'all',
  serverTools: 'all',
  betas: 'all',
  countTokens: true,
  billingHeader: true,
  errors: [],
};
