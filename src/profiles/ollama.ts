/**
 * Ollama's Anthropic compatibility (0.14 and later, http://localhost:11434).
 *
 * Follows https://docs.ollama.com/api/anthropic-compatibility (read 2026-12-01): endpoint /v1/messages only;
 * request fields model, max_tokens, messages (text, base64 image, tool_use, tool_result and thinking blocks),
 * system, stream, temperature, top_p, top_k, stop_sequences, tools, thinking, tool_choice, metadata; the API
 * key is not checked and anthropic-version is not used. Silent on: documents, URL images, redacted thinking,
 * server tools, betas, thinking types, defer_loading; the context window depends on the local model and its
 * num_ctx. Safe side: documents and URL images replaced, adaptive thinking sent as enabled, betas and
 * unlisted fields removed, no context window unless profile.context_window sets one, count_tokens answered
 * locally. A model that is not pulled answers 404, which is permanent.
 */
import { CORE_TOOL_KEYS, ENABLED_THINKING, TEXT_AND_TOOL_BLOCKS } from './common.js';
import type { ProviderProfile } from './types.js';

/** The Ollama profile. */
export const ollama: ProviderProfile = {
  name: 'ollama',
  title: 'Ollama (local models; base64 images)',
  vendor: 'Ollama',
  docs: ['https://docs.ollama.com/api/anthropic-compatibility'],
  firstParty: false,
  roles: ['user', 'assistant'],
  blocks: [...TEXT_AND_TOOL_BLOCKS, 'image'],
  imageSources: ['base64'],
  fields: ['model', 'max_tokens', 'messages', 'system', 'stream', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'tools', 'thinking', 'tool_choice', 'metadata'],
  thinking: ENABLED_THINKING,
  toolKeys: CORE_TOOL_KEYS,
  serverTools: [],
  temperature: { min: 0, max: 2 },
  topP: { min: 0, max: 1 },
  betas: [],
  countTokens: false,
  errors: [
    { status: [404], match: /model/i, kind: 'not_found' },
    { status: [500, 502, 503], kind: 'server' },
  ],
};
