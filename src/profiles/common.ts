/** Lists shared by several provider profiles (each profile still says which documentation it follows). */

/** Content block types Anthropic's Messages API defines (https://docs.claude.com/en/api/messages, read 2026-12-01). */
export const KNOWN_BLOCKS = [
  'text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result',
  'web_fetch_tool_result', 'code_execution_tool_result', 'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result',
  'search_result', 'mcp_tool_use', 'mcp_tool_result', 'container_upload', 'tool_search_tool_result', 'tool_reference',
] as const;

/** The Messages API fields every Anthropic-compatible endpoint documents; used where a provider lists none. */
export const CORE_FIELDS = ['model', 'messages', 'max_tokens', 'stream', 'system', 'temperature', 'top_p', 'stop_sequences', 'tools', 'tool_choice', 'metadata', 'thinking'] as const;

/** Text, tool calls and thinking: what every profiled provider takes in messages. */
export const TEXT_AND_TOOL_BLOCKS = ['text', 'tool_use', 'tool_result', 'thinking'] as const;

/** The client tool keys documented by providers that list them (DeepSeek); the safe set for the rest. */
export const CORE_TOOL_KEYS = ['name', 'description', 'input_schema', 'cache_control'] as const;

/** Anthropic's own sampling range for temperature and top_p. */
export const UNIT_RANGE = { min: 0, max: 1 } as const;

/** Enabled/disabled thinking with a budget, and `adaptive` sent as `enabled`: the safe mapping when adaptive is undocumented. */
export const ENABLED_THINKING = { types: ['enabled', 'disabled'], keys: ['type', 'budget_tokens'], adaptiveAs: 'enabled', budgetRequired: true } as const;
