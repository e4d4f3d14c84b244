/**
 * Anthropic `messages` → the `input` items of a create-response request
 * (https://platform.openai.com/docs/api-reference/responses/create#responses-create-input).
 * User and system turns become message items of input_text / input_image / input_file parts, assistant text
 * becomes output_text parts, tool_use a function_call item, tool_result a function_call_output item, and a
 * thinking block this protocol produced becomes its reasoning item again. Item order follows block order.
 */
import type { ContentBlock, Message } from '../../pipeline/messages.js';
import { decodeReasoningSignature, summaryParts } from './reasoning-signature.js';
import { asObj, asStr, type InputItem, type Notes, type Obj } from './wire.js';

/** Turns the Anthropic messages into input items; what cannot be carried over is noted and left out. */
export function toInputItems(messages: unknown, notes: Notes): InputItem[] {
  const items: InputItem[] = [];
  if (!Array.isArray(messages)) return items;
  for (const m of messages as Message[]) {
    const role = asStr(asObj(m)?.role);
    if (role === 'user' || role === 'system') addInputTurn(items, role, m.content, notes);
    else if (role === 'assistant') addAssistantTurn(items, m.content, notes);
    else notes.add(`a message of role ${JSON.stringify(role)} was dropped`);
  }
  return items;
}

/** Blocks as a list (a string content is one text block). */
function blocksOf(content: unknown): ContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content.filter((b) => asObj(b) && typeof (b as Obj).type === 'string') as ContentBlock[]) : [];
}

function noteCacheControl(b: ContentBlock, notes: Notes): void {
  if (b.cache_control !== undefined) notes.add('cache_control marks were dropped (Responses caches prompts automatically)');
}

/** A user or system turn: parts gathered into message items, tool results as function_call_output items. */
function addInputTurn(items: InputItem[], role: 'user' | 'system', content: unknown, notes: Notes): void {
  let parts: Obj[] = [];
  const flush = (): void => {
    if (parts.length > 0) items.push({ type: 'message', role, content: parts });
    parts = [];
  };
  for (const b of blocksOf(content)) {
    noteCacheControl(b, notes);
    if (b.type === 'tool_result') {
      flush();
      items.push(toolResultItem(b, notes));
      continue;
    }
    const part = inputPart(b, notes);
    if (part) parts.push(part);
  }
  flush();
}

/** One user-side block as an input content part, or undefined (noted) when it has none. */
function inputPart(b: ContentBlock, notes: Notes): Obj | undefined {
  if (b.type === 'text') return typeof b.text === 'string' && b.text !== '' ? { type: 'input_text', text: b.text } : undefined;
  if (b.type === 'image') return imagePart(asObj(b.source), notes);
  if (b.type === 'document') return documentPart(b, notes);
  notes.add(`${b.type} blocks were dropped`);
  return undefined;
}

/** An Anthropic image source as an input_image part (base64 as a data URL). */
function imagePart(source: Obj | undefined, notes: Notes): Obj | undefined {
  if (source?.type === 'base64' && typeof source.data === 'string') {
    const media = asStr(source.media_type) ?? 'image/png';
    return { type: 'input_image', image_url: `data:${media};base64,${source.data}`, detail: 'auto' };
  }
  if (source?.type === 'url' && typeof source.url === 'string') return { type: 'input_image', image_url: source.url, detail: 'auto' };
  notes.add('images of a source type other than base64 or url were dropped');
  return undefined;
}

/** An Anthropic document block: a PDF as an input_file part, plain text as input_text. */
function documentPart(b: ContentBlock, notes: Notes): Obj | undefined {
  const source = asObj(b.source);
  const name = asStr(b.title) ?? 'document.pdf';
  if (source?.type === 'base64' && typeof source.data === 'string') {
    return { type: 'input_file', filename: name, file_data: `data:${asStr(source.media_type) ?? 'application/pdf'};base64,${source.data}` };
  }
  if (source?.type === 'url' && typeof source.url === 'string') return { type: 'input_file', file_url: source.url };
  if (source?.type === 'text' && typeof source.data === 'string') return { type: 'input_text', text: source.data };
  notes.add('documents of a source type other than base64, url or text were dropped');
  return undefined;
}

/** A tool_result block as a function_call_output item; an error result says so at the start of its output. */
function toolResultItem(b: ContentBlock, notes: Notes): InputItem {
  const prefix = b.is_error === true ? '[tool error] ' : '';
  const blocks = blocksOf(b.content);
  const parts = blocks.map((x) => inputPart(x, notes)).filter((p): p is Obj => p !== undefined);
  const textOnly = parts.every((p) => p.type === 'input_text');
  let output: unknown;
  if (textOnly) output = prefix + parts.map((p) => p.text as string).join('\n');
  else output = prefix ? [{ type: 'input_text', text: prefix.trim() }, ...parts] : parts;
  return { type: 'function_call_output', call_id: asStr(b.tool_use_id) ?? '', output };
}

/** An assistant turn: text as output_text parts, tool_use as function_call items, our thinking as reasoning items. */
function addAssistantTurn(items: InputItem[], content: unknown, notes: Notes): void {
  let parts: Obj[] = [];
  const flush = (): void => {
    if (parts.length > 0) items.push({ type: 'message', role: 'assistant', status: 'completed', content: parts });
    parts = [];
  };
  for (const b of blocksOf(content)) {
    noteCacheControl(b, notes);
    if (b.type === 'text') {
      if (typeof b.text === 'string' && b.text !== '') parts.push({ type: 'output_text', text: b.text, annotations: [], logprobs: [] });
      continue;
    }
    const item = assistantItem(b, notes);
    if (!item) continue;
    flush();
    items.push(item);
  }
  flush();
}

/** A non-text assistant block as its own item, or undefined (noted) when it cannot be sent. */
function assistantItem(b: ContentBlock, notes: Notes): InputItem | undefined {
  if (b.type === 'tool_use') {
    return { type: 'function_call', call_id: asStr(b.id) ?? '', name: asStr(b.name) ?? '', arguments: JSON.stringify(b.input ?? {}) };
  }
  if (b.type === 'thinking') return reasoningItem(b, notes);
  if (b.type === 'redacted_thinking') notes.add('redacted_thinking blocks were dropped');
  else notes.add(`${b.type} blocks were dropped`);
  return undefined;
}

/** A thinking block made from a Responses reasoning item → that reasoning item; any other thinking is dropped. */
function reasoningItem(b: ContentBlock, notes: Notes): InputItem | undefined {
  const ref = decodeReasoningSignature(b.signature);
  if (!ref) {
    notes.add('thinking blocks not produced by an openai-responses upstream were dropped');
    return undefined;
  }
  if (ref.encryptedContent === undefined) {
    notes.add('reasoning items without encrypted_content were dropped (they cannot be sent back statelessly)');
    return undefined;
  }
  const text = typeof b.thinking === 'string' ? b.thinking : '';
  const summary = ref.summarised && text !== '' ? summaryParts(text, ref.partLengths).map((t) => ({ type: 'summary_text', text: t })) : [];
  return { type: 'reasoning', id: ref.id, summary, encrypted_content: ref.encryptedContent };
}
