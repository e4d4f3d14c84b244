/**
 * An Anthropic Messages request → an OpenAI create-response request
 * (https://platform.openai.com/docs/api-reference/responses/create). The request is stateless (`store: false`)
 * and asks for encrypted reasoning (`include: ["reasoning.encrypted_content"]`), so reasoning items can travel
 * back inside thinking-block signatures (https://platform.openai.com/docs/guides/reasoning).
 */
import type { MessagesBody } from '../../pipeline/messages.js';
import type { TranslatedRequest, TranslateOptions } from '../types.js';
import { toInputItems } from './input-items.js';
import { toFunctionTools, toToolChoice } from './tools.js';
import { asObj, asStr, Notes, type Obj } from './wire.js';

/** Fields this translation reads; every other top-level field is dropped with a note. */
const HANDLED = new Set(['model', 'messages', 'system', 'tools', 'tool_choice', 'max_tokens', 'temperature', 'top_p', 'thinking', 'output_config', 'stream']);

/** The smallest max_output_tokens the API accepts (CreateResponse schema: minimum 16). */
const MIN_OUTPUT_TOKENS = 16;

/** Anthropic effort levels → Responses reasoning effort (https://platform.openai.com/docs/guides/reasoning#get-started-with-reasoning). */
const EFFORT: Readonly<Record<string, string>> = { low: 'low', medium: 'medium', high: 'high', max: 'high', xhigh: 'high' };

/** Translates one Messages request body. Never throws: odd input gives a request the upstream may reject. */
export function translateRequest(body: MessagesBody, opts: TranslateOptions): TranslatedRequest {
  const notes = new Notes();
  const out: Obj = {};
  const model = opts.model ?? asStr(body.model);
  if (model !== undefined) out.model = model;
  const instructions = systemText(body.system, notes);
  if (instructions) out.instructions = instructions;
  out.input = toInputItems(body.messages, notes);
  addTools(out, body, notes);
  addSampling(out, body, notes);
  const reasoning = toReasoning(body, notes);
  if (reasoning) {
    out.reasoning = reasoning;
    out.include = ['reasoning.encrypted_content'];
  }
  const format = toTextFormat(asObj(body.output_config)?.format, notes);
  if (format) out.text = { format };
  out.store = false;
  out.stream = body.stream === true;
  for (const k of Object.keys(body)) if (!HANDLED.has(k)) notes.add(`${k} was dropped (no Responses counterpart)`);
  return { body: out, notes: notes.list() };
}

/** Claude Code's attribution block of the system prompt, which is for Anthropic only. */
const BILLING_HEADER = 'x-anthropic-billing-header:';

/** The system prompt as one instructions string (text blocks joined by blank lines). */
function systemText(system: unknown, notes: Notes): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  const texts: string[] = [];
  for (const b of system) {
    const block = asObj(b);
    if (block?.type !== 'text' || typeof block.text !== 'string') notes.add('non-text system blocks were dropped');
    else if (block.text.startsWith(BILLING_HEADER)) notes.add('the x-anthropic-billing-header system block was dropped');
    else texts.push(block.text);
    if (block?.cache_control !== undefined) notes.add('cache_control marks were dropped (Responses caches prompts automatically)');
  }
  return texts.join('\n\n');
}

/** tools and tool_choice (a tool_choice without tools is left out). */
function addTools(out: Obj, body: MessagesBody, notes: Notes): void {
  const tools = toFunctionTools(body.tools, notes);
  if (!tools) return;
  out.tools = tools;
  Object.assign(out, toToolChoice(body.tool_choice, notes));
}

/** max_tokens → max_output_tokens; temperature and top_p as they are; top_k and stop_sequences have no counterpart. */
function addSampling(out: Obj, body: MessagesBody, notes: Notes): void {
  const max = body.max_tokens;
  if (typeof max === 'number' && Number.isInteger(max)) {
    if (max < MIN_OUTPUT_TOKENS) notes.add(`max_tokens ${max} was raised to ${MIN_OUTPUT_TOKENS}, the Responses minimum`);
    out.max_output_tokens = Math.max(max, MIN_OUTPUT_TOKENS);
  }
  for (const k of ['temperature', 'top_p'] as const) {
    if (typeof body[k] === 'number') out[k] = body[k];
  }
}

/** thinking and output_config.effort → reasoning {effort, summary}; disabled thinking sends none. */
function toReasoning(body: MessagesBody, notes: Notes): Obj | undefined {
  const thinking = asObj(body.thinking);
  const effort = asStr(asObj(body.output_config)?.effort);
  if (thinking?.type === 'disabled' || (!thinking && effort === undefined)) return undefined;
  const reasoning: Obj = { summary: 'auto' };
  if (effort !== undefined) {
    if (EFFORT[effort]) reasoning.effort = EFFORT[effort];
    else notes.add(`effort ${JSON.stringify(effort)} was dropped`);
    if (effort === 'max' || effort === 'xhigh') notes.add(`effort ${effort} was sent as high`);
  } else if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number') {
    reasoning.effort = budgetEffort(thinking.budget_tokens);
  }
  return reasoning;
}

/** A thinking budget as an effort level: up to 4k tokens low, up to 16k medium, more high. */
function budgetEffort(budget: number): string {
  if (budget <= 4096) return 'low';
  return budget <= 16384 ? 'medium' : 'high';
}

/** output_config.format (a JSON schema) → text.format (https://platform.openai.com/docs/guides/structured-outputs). */
function toTextFormat(format: unknown, notes: Notes): Obj | undefined {
  const f = asObj(format);
  if (!f) return undefined;
  if (f.type === 'json_schema' && asObj(f.schema)) return { type: 'json_schema', name: 'response', schema: f.schema, strict: false };
  notes.add(`output_config.format ${JSON.stringify(f.type)} was dropped`);
  return undefined;
}
