/**
 * Anthropic tool definitions and tool_choice → Responses function tools and tool_choice
 * (https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools,
 * https://platform.openai.com/docs/guides/function-calling#defining-functions).
 * Only client tools carry over; Anthropic server tools (typed `web_search_…`, `bash_…`, …) have no counterpart.
 */
import { asObj, asStr, type Notes, type Obj } from './wire.js';

/** Keys a function's `parameters` may not have at its root: it must be a plain `type: "object"` schema. */
const ROOT_ONLY_OBJECT = ['oneOf', 'anyOf', 'allOf', 'enum', 'not', 'const'];

/** The function tools for `tools`, or undefined when none carries over. */
export function toFunctionTools(tools: unknown, notes: Notes): Obj[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  const out: Obj[] = [];
  for (const t of tools) {
    const tool = asObj(t);
    const name = asStr(tool?.name);
    if (!tool || !name) continue;
    if (tool.type !== undefined && tool.type !== 'custom') {
      notes.add(`server tool ${name} (${String(tool.type)}) was dropped`);
      continue;
    }
    if (tool.defer_loading !== undefined) notes.add('defer_loading was dropped: deferred tools are sent as ordinary tools');
    const fn: Obj = { type: 'function', name, parameters: cleanParameters(tool.input_schema, notes), strict: false };
    if (typeof tool.description === 'string') fn.description = tool.description;
    out.push(fn);
  }
  return out.length > 0 ? out : undefined;
}

/** An input_schema as function parameters: an object schema without `$schema` and root-level combinators. */
export function cleanParameters(schema: unknown, notes: Notes): Obj {
  const s = asObj(schema);
  if (!s) return { type: 'object', properties: {} };
  const out = withoutSchemaKeyword(s) as Obj;
  for (const k of ROOT_ONLY_OBJECT) {
    if (k in out) {
      notes.add(`a tool's input_schema lost its root-level ${k} (function parameters must be an object schema)`);
      delete out[k];
    }
  }
  out.type = 'object';
  if (asObj(out.properties) === undefined) out.properties = {};
  return out;
}

/** A copy of a schema without `$schema` keywords, which function parameters reject, at any depth. */
function withoutSchemaKeyword(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSchemaKeyword);
  const o = asObj(v);
  if (!o) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(o)) if (k !== '$schema') out[k] = withoutSchemaKeyword(x);
  return out;
}

/** An Anthropic tool_choice as the Responses tool_choice and parallel_tool_calls fields to set. */
export function toToolChoice(choice: unknown, notes: Notes): Obj {
  const c = asObj(choice);
  if (!c) return {};
  const fields: Obj = {};
  if (c.disable_parallel_tool_use === true) fields.parallel_tool_calls = false;
  if (c.type === 'auto') fields.tool_choice = 'auto';
  else if (c.type === 'any') fields.tool_choice = 'required';
  else if (c.type === 'none') fields.tool_choice = 'none';
  else if (c.type === 'tool' && typeof c.name === 'string') fields.tool_choice = { type: 'function', name: c.name };
  else notes.add(`tool_choice ${JSON.stringify(c.type)} was dropped`);
  return fields;
}
