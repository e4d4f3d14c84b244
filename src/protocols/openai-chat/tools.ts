/**
 * Anthropic tools → Chat Completions function tools, and tool_choice.
 * Tools: https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
 * tool_choice: https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice
 * Function names must match ^[a-zA-Z0-9_-]{1,64}$ (FunctionObject.name in https://github.com/openai/openai-openapi);
 * a parameters schema of type object must list `properties` (OpenAI answers "object schema missing properties"
 * otherwise), and `$schema` / `$id` at its root are refused by several compatible servers (Gemini's among them:
 * https://ai.google.dev/gemini-api/docs/openai). Server tools (web search, code execution ...) have no function form.
 */
import type { Notes } from '../notes.js';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ROOT_ONLY = ['$schema', '$id', '$comment'];

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The tool's input schema as function parameters: an object schema with `properties`, root metadata removed. */
export function functionParameters(schema: unknown): Obj {
  const given = obj(schema) ?? {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(given)) if (!ROOT_ONLY.includes(k)) out[k] = v;
  out.type = 'object';
  if (!obj(out.properties)) out.properties = {};
  return out;
}

/** One Anthropic tool as a function tool; undefined (with a note) when it has no function form. */
function functionTool(tool: Obj, notes: Notes): Obj | undefined {
  if (tool.type !== undefined && tool.type !== 'custom') {
    notes.add(`dropped: server tool ${String(tool.name ?? tool.type)} (${String(tool.type)}); Chat Completions runs no Anthropic server tools`);
    return undefined;
  }
  const name = typeof tool.name === 'string' ? tool.name : '';
  if (!NAME.test(name)) {
    notes.add(`dropped: tool "${name.slice(0, 80)}" (Chat Completions function names are 1-64 letters, digits, _ or -)`);
    return undefined;
  }
  const fn: Obj = { name, parameters: functionParameters(tool.input_schema) };
  if (typeof tool.description === 'string' && tool.description) fn.description = tool.description;
  return { type: 'function', function: fn };
}

/** The tools that have a function form. */
export function chatTools(tools: unknown, notes: Notes): Obj[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((t) => {
    const tool = obj(t);
    const fn = tool && functionTool(tool, notes);
    return fn ? [fn] : [];
  });
}

/**
 * Anthropic tool_choice → Chat Completions tool_choice and parallel_tool_calls: auto → "auto", any → "required",
 * tool → the named function, none → "none"; `disable_parallel_tool_use` → `parallel_tool_calls: false`.
 */
export function chatToolChoice(choice: unknown, sent: ReadonlySet<string>, notes: Notes): { tool_choice?: unknown; parallel_tool_calls?: boolean } {
  const c = obj(choice);
  if (!c) return {};
  const out: { tool_choice?: unknown; parallel_tool_calls?: boolean } = {};
  if (c.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  if (c.type === 'auto') out.tool_choice = 'auto';
  else if (c.type === 'any') out.tool_choice = 'required';
  else if (c.type === 'none') out.tool_choice = 'none';
  else if (c.type === 'tool' && typeof c.name === 'string' && sent.has(c.name)) out.tool_choice = { type: 'function', function: { name: c.name } };
  else notes.add(`dropped: tool_choice ${JSON.stringify(choice).slice(0, 80)} (no such function sent)`);
  return out;
}
