/**
 * Anthropic Messages request → Chat Completions request (https://platform.openai.com/docs/api-reference/chat/create).
 * Fields: max_tokens → max_completion_tokens, stop_sequences → stop (at most 4), temperature and top_p as they
 * are, thinking / output_config.effort → reasoning_effort (https://platform.openai.com/docs/guides/reasoning),
 * stream → stream + stream_options.include_usage (the usage chunk:
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options). Every other field is
 * dropped with a note; nothing is sent half-formed.
 */
import { GatewayError } from '../../errors.js';
import type { MessagesBody } from '../../pipeline/messages.js';
import { Notes } from '../notes.js';
import type { TranslatedRequest, TranslateOptions } from '../types.js';
import { chatMessages, systemMessages } from './messages.js';
import { chatToolChoice, chatTools } from './tools.js';

type Obj = Record<string, unknown>;

/** Fields read by the translation; any other top-level field is dropped with a note. */
const HANDLED = new Set(['model', 'messages', 'system', 'max_tokens', 'stop_sequences', 'temperature', 'top_p', 'stream', 'thinking', 'output_config', 'tools', 'tool_choice', 'metadata']);

const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);
const MAX_STOP = 4;

/** Anthropic's thinking budget as an OpenAI effort: under 4k tokens low, under 16k medium, else high. */
function effortOfBudget(budget: unknown): string {
  const n = typeof budget === 'number' ? budget : 0;
  return n < 4096 ? 'low' : n < 16384 ? 'medium' : 'high';
}

/** reasoning_effort from output_config.effort, else from an enabled thinking budget; adaptive thinking leaves the model's default. */
function reasoningEffort(body: MessagesBody, notes: Notes): string | undefined {
  const effort = (body.output_config as Obj | undefined)?.effort;
  if (typeof effort === 'string' && EFFORTS.has(effort)) return effort;
  const thinking = body.thinking as Obj | undefined;
  if (thinking?.type === 'enabled') return effortOfBudget(thinking.budget_tokens);
  if (thinking?.type === 'disabled') notes.add('thinking disabled: Chat Completions has no off switch; the model reasons as it does by default');
  return undefined;
}

function stop(value: unknown, notes: Notes): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const seqs = value.filter((s): s is string => typeof s === 'string' && s.length > 0);
  if (seqs.length > MAX_STOP) notes.add(`dropped: stop sequences past the first ${MAX_STOP} (Chat Completions takes ${MAX_STOP})`);
  return seqs.length > 0 ? seqs.slice(0, MAX_STOP) : undefined;
}

/** A number within [min, max] (integer when asked), else undefined with a note when one was given. */
function within(name: string, v: unknown, min: number, max: number, notes: Notes, integer = false): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && v >= min && v <= max && (!integer || Number.isInteger(v))) return v;
  notes.add(`dropped: ${name} ${JSON.stringify(v)?.slice(0, 40)} (Chat Completions takes ${integer ? 'an integer' : 'a number'} from ${min} to ${max})`);
  return undefined;
}

function copyFields(body: MessagesBody, out: Obj, notes: Notes): void {
  const max = within('max_tokens', body.max_tokens, 1, Number.MAX_SAFE_INTEGER, notes, true);
  if (max !== undefined) out.max_completion_tokens = max;
  const seqs = stop(body.stop_sequences, notes);
  if (seqs) out.stop = seqs;
  const temperature = within('temperature', body.temperature, 0, 2, notes);
  if (temperature !== undefined) out.temperature = temperature;
  const topP = within('top_p', body.top_p, 0, 1, notes);
  if (topP !== undefined) out.top_p = topP;
  const effort = reasoningEffort(body, notes);
  if (effort) out.reasoning_effort = effort;
  if (body.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  const config = body.output_config as Obj | undefined;
  for (const k of Object.keys(config ?? {})) if (k !== 'effort') notes.add(`dropped: output_config.${k}`);
  if (body.metadata !== undefined) notes.add('dropped: metadata (the client\'s private data stays with the gateway)');
  for (const k of Object.keys(body)) if (!HANDLED.has(k)) notes.add(`dropped: ${k}`);
}

function copyTools(body: MessagesBody, out: Obj, notes: Notes): void {
  const tools = chatTools(body.tools, notes);
  if (tools.length === 0) {
    if (body.tool_choice !== undefined && Array.isArray(body.tools) && body.tools.length > 0) notes.add('dropped: tool_choice (no tool could be sent)');
    return;
  }
  out.tools = tools;
  const names = new Set(tools.map((t) => (t.function as Obj).name as string));
  Object.assign(out, chatToolChoice(body.tool_choice, names, notes));
}

/** Translates one Messages request; `notes` name everything not carried over. Throws a GatewayError when nothing is left to send. */
export function translateChatRequest(body: MessagesBody, opts: TranslateOptions): TranslatedRequest {
  const notes = new Notes();
  const model = opts.model ?? (typeof body.model === 'string' ? body.model : undefined);
  const messages = [...systemMessages(body.system, opts, notes), ...chatMessages(body.messages, opts, notes)];
  if (messages.length === 0) throw new GatewayError('messages_invalid', `nothing of the conversation can be sent as Chat Completions (${notes.list().join('; ') || 'no messages'})`);
  const out: Obj = { model, messages };
  copyFields(body, out, notes);
  copyTools(body, out, notes);
  return { body: out, notes: notes.list() };
}
