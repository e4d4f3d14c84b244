/**
 * What each provider documents it refuses, written independently of src/profiles (these are the test's
 * expectations, from the same documentation pages the profiles cite), and the check a strict fake applies.
 * Where a provider's documentation is silent the rule refuses too: a strict fake takes only what is written.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A numeric range; `minExclusive` when the lower bound itself is refused. */
export interface Range {
  min: number;
  max: number;
  minExclusive?: boolean;
}

/** The documented request contract of one provider. */
export interface ProviderRules {
  name: string;
  roles: string[];
  /** Block types accepted in messages and inside tool results. */
  blocks: string[];
  imageSources: string[];
  fields: string[] | 'any';
  /** Accepted thinking types; empty: a thinking field is refused. */
  thinkingTypes: string[] | 'any';
  thinkingKeys: string[] | 'any';
  /** enabled thinking needs budget_tokens (>= 1024, < max_tokens). */
  budgetRequired?: boolean;
  outputConfigKeys?: string[];
  /** thinking disabled together with output_config.effort is refused (DeepSeek, as peers report). */
  refusesEffortWithoutThinking?: boolean;
  temperature?: Range;
  topP?: Range;
  /** Models whose sampling parameters are fixed: any temperature or top_p is refused. */
  fixedSampling?: RegExp;
  /** Models whose thinking parameter is refused. */
  noThinking?: RegExp;
  maxTokens?: number;
  betas: string[] | 'any';
  toolKeys: string[] | 'any';
  serverTools: string[] | 'any';
  countTokens: boolean;
}

const TEXT_TOOLS = ['text', 'tool_use', 'tool_result', 'thinking'];
const CORE_TOOL_KEYS = ['name', 'description', 'input_schema', 'cache_control'];
const CORE = ['model', 'messages', 'max_tokens', 'stream', 'system', 'temperature', 'top_p', 'stop_sequences', 'tools', 'tool_choice', 'metadata', 'thinking'];
const MINIMAX_FIELDS = ['model', 'messages', 'max_tokens', 'stream', 'system', 'temperature', 'tool_choice', 'tools', 'top_p', 'metadata', 'thinking', 'top_k', 'stop_sequences', 'service_tier', 'mcp_servers', 'context_management', 'container'];

/** The rules by provider (keys match the profile names). */
export const RULES: Record<string, ProviderRules> = {
  'minimax-m2': {
    name: 'minimax-m2', roles: ['user', 'assistant'], blocks: TEXT_TOOLS, imageSources: [], fields: MINIMAX_FIELDS,
    thinkingTypes: ['enabled', 'disabled'], thinkingKeys: ['type', 'budget_tokens'], budgetRequired: true,
    temperature: { min: 0, max: 1, minExclusive: true }, topP: { min: 0, max: 1, minExclusive: true }, maxTokens: 131_072,
    betas: [], toolKeys: CORE_TOOL_KEYS, serverTools: [], countTokens: false,
  },
  'minimax-m3': {
    name: 'minimax-m3', roles: ['user', 'assistant'], blocks: [...TEXT_TOOLS, 'image'], imageSources: ['url', 'base64'], fields: MINIMAX_FIELDS,
    thinkingTypes: ['adaptive', 'enabled', 'disabled'], thinkingKeys: ['type', 'budget_tokens'],
    temperature: { min: 0, max: 1, minExclusive: true }, topP: { min: 0, max: 1, minExclusive: true }, maxTokens: 131_072,
    betas: [], toolKeys: CORE_TOOL_KEYS, serverTools: [], countTokens: false,
  },
  deepseek: {
    name: 'deepseek', roles: ['user', 'assistant'], blocks: [...TEXT_TOOLS, 'server_tool_use', 'web_search_tool_result'], imageSources: [],
    fields: [...CORE, 'output_config', 'top_k', 'container', 'mcp_servers', 'service_tier'],
    thinkingTypes: ['enabled', 'disabled'], thinkingKeys: ['type', 'budget_tokens'], outputConfigKeys: ['effort'], refusesEffortWithoutThinking: true,
    temperature: { min: 0, max: 2 }, topP: { min: 0, max: 1 }, maxTokens: 384_000,
    betas: 'any', toolKeys: CORE_TOOL_KEYS, serverTools: ['web_search'], countTokens: false,
  },
  kimi: {
    name: 'kimi', roles: ['user', 'assistant'], blocks: TEXT_TOOLS, imageSources: [], fields: CORE,
    thinkingTypes: ['enabled', 'disabled'], thinkingKeys: ['type', 'budget_tokens'], noThinking: /^kimi-k2-(?!thinking)/,
    fixedSampling: /^kimi-k2\.[5-9]/, temperature: { min: 0, max: 1 }, topP: { min: 0, max: 1 },
    betas: [], toolKeys: CORE_TOOL_KEYS, serverTools: [], countTokens: false,
  },
  glm: {
    name: 'glm', roles: ['user', 'assistant'], blocks: TEXT_TOOLS, imageSources: [], fields: CORE,
    thinkingTypes: ['enabled', 'disabled'], thinkingKeys: ['type', 'budget_tokens'],
    temperature: { min: 0, max: 1 }, topP: { min: 0, max: 1, minExclusive: true }, maxTokens: 131_072,
    betas: [], toolKeys: CORE_TOOL_KEYS, serverTools: [], countTokens: false,
  },
  qwen: {
    name: 'qwen', roles: ['user', 'assistant'], blocks: TEXT_TOOLS, imageSources: [], fields: CORE,
    thinkingTypes: ['enabled', 'disabled'], thinkingKeys: ['type', 'budget_tokens'], budgetRequired: true, noThinking: /^qwen3?-coder/,
    temperature: { min: 0, max: 2 }, topP: { min: 0, max: 1 },
    betas: [], toolKeys: CORE_TOOL_KEYS, serverTools: [], countTokens: false,
  },
  ollama: {
    name: 'ollama', roles: ['user', 'assistant'], blocks: [...TEXT_TOOLS, 'image'], imageSources: ['base64'],
    fields: ['model', 'max_tokens', 'messages', 'system', 'stream', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'tools', 'thinking', 'tool_choice', 'metadata'],
    thinkingTypes: ['enabled', 'disabled'], thinkingKeys: ['type', 'budget_tokens'],
    betas: [], toolKeys: CORE_TOOL_KEYS, serverTools: [], countTokens: false,
  },
  openrouter: {
    name: 'openrouter', roles: ['user', 'assistant'], blocks: [...TEXT_TOOLS, 'image', 'document', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result'],
    imageSources: ['base64', 'url', 'file'], fields: 'any', thinkingTypes: 'any', thinkingKeys: 'any',
    betas: 'any', toolKeys: 'any', serverTools: 'any', countTokens: false,
  },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function inRange(v: number, r: Range): boolean {
  return (r.minExclusive ? v > r.min : v >= r.min) && v <= r.max;
}

function checkBlocks(where: string, blocks: unknown[], r: ProviderRules, afterToolUse: boolean): string | null {
  if (blocks.length === 0) return `${where}: content must not be empty`;
  let seenOther = false;
  for (const [j, b] of blocks.entries()) {
    if (!isObj(b) || typeof b.type !== 'string') return `${where}.${j}: not a content block`;
    if (!r.blocks.includes(b.type)) return `${where}.${j}: block type ${b.type} is not supported`;
    if (b.type === 'image') {
      const src = isObj(b.source) ? b.source.type : undefined;
      if (typeof src !== 'string' || !r.imageSources.includes(src)) return `${where}.${j}: image source ${String(src)} is not supported`;
    }
    if (b.type === 'text' && (typeof b.text !== 'string' || b.text.trim() === '')) return `${where}.${j}: text must be non-empty`;
    if (b.type === 'tool_result') {
      if (afterToolUse && seenOther) return `${where}.${j}: tool_result blocks must come first`;
      if (Array.isArray(b.content)) {
        const bad = checkBlocks(`${where}.${j}.content`, b.content, r, false);
        if (bad && b.content.length > 0) return bad;
      }
    } else seenOther = true;
  }
  return null;
}

function checkMessages(messages: unknown, r: ProviderRules): string | null {
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  let prev = '';
  for (const [i, m] of messages.entries()) {
    if (!isObj(m) || typeof m.role !== 'string') return `messages.${i}: not a message`;
    if (!r.roles.includes(m.role)) return `messages.${i}.role: ${m.role} is not supported`;
    if (m.role === prev) return `messages.${i}: two ${m.role} messages in a row`;
    const content = typeof m.content === 'string' ? (m.content === '' ? [] : [{ type: 'text', text: m.content }]) : m.content;
    if (!Array.isArray(content)) return `messages.${i}.content: must be a string or a list`;
    const prevMsg = messages[i - 1] as Obj | undefined;
    const afterToolUse = Array.isArray(prevMsg?.content) && (prevMsg.content as Obj[]).some((b) => b?.type === 'tool_use');
    const bad = checkBlocks(`messages.${i}.content`, content, r, afterToolUse);
    if (bad) return bad;
    prev = m.role;
  }
  return null;
}

function checkThinking(body: Obj, r: ProviderRules): string | null {
  const t = body.thinking;
  const model = String(body.model ?? '');
  if (t === undefined || r.thinkingTypes === 'any') return null;
  if (r.noThinking?.test(model)) return `thinking: not supported by ${model}`;
  if (!isObj(t) || typeof t.type !== 'string' || !r.thinkingTypes.includes(t.type)) return `thinking.type: ${isObj(t) ? String(t.type) : 'missing'} is not supported`;
  if (r.thinkingKeys !== 'any') for (const k of Object.keys(t)) if (!r.thinkingKeys.includes(k)) return `thinking.${k}: unknown field`;
  if (t.type === 'enabled' && r.budgetRequired) {
    const b = t.budget_tokens;
    if (typeof b !== 'number' || b < 1024) return 'thinking.budget_tokens: must be at least 1024';
    if (typeof body.max_tokens === 'number' && b >= body.max_tokens) return 'thinking.budget_tokens: must be less than max_tokens';
  }
  return null;
}

function checkTools(body: Obj, r: ProviderRules): string | null {
  if (!Array.isArray(body.tools)) return null;
  for (const [i, t] of (body.tools as unknown[]).entries()) {
    if (!isObj(t)) return `tools.${i}: not a tool`;
    if (typeof t.type === 'string' && t.type !== 'custom') {
      if (r.serverTools !== 'any' && !r.serverTools.some((p) => (t.type as string).startsWith(p))) return `tools.${i}: server tool ${t.type} is not supported`;
      continue;
    }
    if (r.toolKeys !== 'any') for (const k of Object.keys(t)) if (!r.toolKeys.includes(k) && k !== 'type') return `tools.${i}.${k}: unknown field`;
  }
  return null;
}

function checkSampling(body: Obj, r: ProviderRules): string | null {
  const model = String(body.model ?? '');
  for (const [key, range] of [['temperature', r.temperature], ['top_p', r.topP]] as const) {
    const v = body[key];
    if (v === undefined) continue;
    if (r.fixedSampling?.test(model)) return `${key}: cannot be modified for ${model}`;
    if (typeof v !== 'number' || (range && !inRange(v, range))) return `${key}: ${String(v)} is out of range`;
  }
  if (r.maxTokens !== undefined && typeof body.max_tokens === 'number' && body.max_tokens > r.maxTokens) return `max_tokens: at most ${r.maxTokens}`;
  return null;
}

function checkOutputConfig(body: Obj, r: ProviderRules): string | null {
  const oc = body.output_config;
  if (!isObj(oc)) return null;
  if (r.outputConfigKeys) for (const k of Object.keys(oc)) if (!r.outputConfigKeys.includes(k)) return `output_config.${k}: not supported`;
  if (r.refusesEffortWithoutThinking && oc.effort !== undefined && isObj(body.thinking) && body.thinking.type === 'disabled') return 'output_config.effort: not allowed with thinking disabled';
  return null;
}

/** Why the provider would refuse this Messages request (null: accepted). `counting` for count_tokens bodies. */
export function violation(r: ProviderRules, json: unknown, headers: IncomingHttpHeaders, counting = false): string | null {
  if (!isObj(json)) return 'body: not a JSON object';
  if (typeof json.model !== 'string') return 'model: required';
  if (!counting && typeof json.max_tokens !== 'number') return 'max_tokens: required';
  if (r.fields !== 'any') for (const k of Object.keys(json)) if (!r.fields.includes(k)) return `${k}: unknown field`;
  if (r.betas !== 'any' && headers['anthropic-beta'] !== undefined) {
    const betas = String(headers['anthropic-beta']).split(',').map((b) => b.trim());
    const bad = betas.find((b) => !(r.betas as string[]).includes(b));
    if (bad) return `anthropic-beta: ${bad} is not supported`;
  }
  return checkMessages(json.messages, r) ?? checkThinking(json, r) ?? checkTools(json, r) ?? checkSampling(json, r) ?? checkOutputConfig(json, r);
}
