/**
 * Checks a Chat Completions request the way a strict OpenAI endpoint would: the CreateChatCompletionRequest schema
 * of OpenAI's published OpenAPI spec (test/fixtures/openai/create-chat-completion-request.schema.json, its
 * source and commit in its $comment), plus what the schema leaves open and the API refuses: unknown top-level
 * and message fields, tool messages that answer no earlier tool call, tool calls left unanswered.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

type Obj = Record<string, unknown>;
type Schema = { definitions: Record<string, Obj> };

const SCHEMA = JSON.parse(readFileSync(new URL('../fixtures/openai/create-chat-completion-request.schema.json', import.meta.url), 'utf8')) as Schema & Obj;
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('uri', true);
const validate = ajv.compile(SCHEMA);

/** Property names a definition declares, through allOf and $ref. */
function propertiesOf(name: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(name)) return out;
  seen.add(name);
  const def = SCHEMA.definitions[name] ?? {};
  const walk = (node: unknown): void => {
    const n = node as Obj | undefined;
    if (!n || typeof n !== 'object') return;
    if (typeof n.$ref === 'string') for (const p of propertiesOf(n.$ref.split('/').pop()!, seen)) out.add(p);
    for (const p of Object.keys((n.properties ?? {}) as Obj)) out.add(p);
    for (const sub of (n.allOf ?? []) as unknown[]) walk(sub);
  };
  walk(def);
  return out;
}

const TOP_LEVEL = propertiesOf('CreateChatCompletionRequest');
const MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: propertiesOf('ChatCompletionRequestSystemMessage'),
  developer: propertiesOf('ChatCompletionRequestDeveloperMessage'),
  user: propertiesOf('ChatCompletionRequestUserMessage'),
  assistant: propertiesOf('ChatCompletionRequestAssistantMessage'),
  tool: propertiesOf('ChatCompletionRequestToolMessage'),
};

/** What a strict endpoint accepts beyond the schema. */
export interface ChatCheckOptions {
  /** Accept `reasoning_content` on assistant messages (DeepSeek-style providers). */
  reasoningContent?: boolean;
}

/** Why the request would be refused, or null when it would be accepted. */
export function checkChatRequest(body: unknown, opts: ChatCheckOptions = {}): string | null {
  if (!validate(body)) return `schema: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 1500)}`;
  const b = body as Obj;
  const unknown = Object.keys(b).filter((k) => !TOP_LEVEL.has(k));
  if (unknown.length > 0) return `Unrecognized request argument supplied: ${unknown.join(', ')}`;
  return checkMessages(b.messages as Obj[], opts);
}

function checkMessages(messages: Obj[], opts: ChatCheckOptions): string | null {
  let open = new Set<string>();
  for (const [i, m] of messages.entries()) {
    const role = String(m.role);
    const allowed = MESSAGE_FIELDS[role];
    if (!allowed) return `messages[${i}].role: ${role} is not supported here`;
    for (const k of Object.keys(m)) {
      if (!allowed.has(k) && !(k === 'reasoning_content' && role === 'assistant' && opts.reasoningContent)) return `messages[${i}]: Unrecognized field ${k}`;
    }
    if (role === 'tool') {
      const id = String(m.tool_call_id);
      if (!open.has(id)) return `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[${i}], ${id})`;
      open.delete(id);
      continue;
    }
    if (open.size > 0) return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
    if (role === 'assistant') {
      const calls = (m.tool_calls ?? []) as Array<{ id: string }>;
      if (m.content == null && calls.length === 0) return `messages[${i}]: an assistant message needs content or tool_calls`;
      open = new Set(calls.map((c) => c.id));
    }
  }
  if (open.size > 0) return `tool_call_ids without response messages: ${[...open].join(', ')}`;
  return null;
}
