/**
 * Writes a Responses API event stream (https://platform.openai.com/docs/api-reference/responses-streaming) for a
 * fake upstream's answer: optional reasoning (summary and encrypted content), then text or function calls, then
 * response.completed with usage. The events follow the shapes of OpenAI's ResponseStreamEvent schema.
 */

/** What one streamed answer holds. */
export interface StreamedAnswer {
  reasoning?: { summary: string; encrypted: string };
  text?: string;
  calls?: Array<{ callId: string; name: string; arguments: string }>;
  usage?: { input: number; output: number; cached?: number };
}

type Obj = Record<string, unknown>;

function response(id: string, status: string, output: Obj[], usage?: StreamedAnswer['usage']): Obj {
  const r: Obj = { id, object: 'response', created_at: 1764633600, status, model: 'gpt-5.4', output, error: null, incomplete_details: null, instructions: null, metadata: {}, parallel_tool_calls: true, temperature: 1, top_p: 1, tool_choice: 'auto', tools: [] };
  if (usage) {
    r.usage = { input_tokens: usage.input, input_tokens_details: { cached_tokens: usage.cached ?? 0, cache_write_tokens: 0 }, output_tokens: usage.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: usage.input + usage.output };
  }
  return r;
}

/** The output items of an answer, in order. */
function items(a: StreamedAnswer, n: number): Obj[] {
  const out: Obj[] = [];
  if (a.reasoning) out.push({ id: `rs_${n}`, type: 'reasoning', summary: [{ type: 'summary_text', text: a.reasoning.summary }], encrypted_content: a.reasoning.encrypted });
  if (a.text !== undefined) out.push({ id: `msg_${n}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: a.text }] });
  a.calls?.forEach((c, i) => out.push({ id: `fc_${n}_${i}`, type: 'function_call', status: 'completed', call_id: c.callId, name: c.name, arguments: c.arguments }));
  return out;
}

/** The events streaming one output item at `index`. */
function itemEvents(item: Obj, index: number): Obj[] {
  const id = item.id as string;
  const ev: Obj[] = [];
  if (item.type === 'reasoning') {
    const text = (item.summary as Obj[])[0]!.text as string;
    const part = { type: 'summary_text', text };
    ev.push({ type: 'response.output_item.added', output_index: index, item: { id, type: 'reasoning', summary: [] } });
    ev.push({ type: 'response.reasoning_summary_part.added', item_id: id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    ev.push({ type: 'response.reasoning_summary_text.delta', item_id: id, output_index: index, summary_index: 0, delta: text });
    ev.push({ type: 'response.reasoning_summary_part.done', item_id: id, output_index: index, summary_index: 0, part });
  } else if (item.type === 'message') {
    const part = (item.content as Obj[])[0]!;
    ev.push({ type: 'response.output_item.added', output_index: index, item: { ...item, status: 'in_progress', content: [] } });
    ev.push({ type: 'response.content_part.added', item_id: id, output_index: index, content_index: 0, part: { ...part, text: '' } });
    ev.push({ type: 'response.output_text.delta', item_id: id, output_index: index, content_index: 0, delta: part.text, logprobs: [] });
    ev.push({ type: 'response.content_part.done', item_id: id, output_index: index, content_index: 0, part });
  } else {
    ev.push({ type: 'response.output_item.added', output_index: index, item: { ...item, status: 'in_progress', arguments: '' } });
    ev.push({ type: 'response.function_call_arguments.delta', item_id: id, output_index: index, delta: item.arguments });
    ev.push({ type: 'response.function_call_arguments.done', item_id: id, output_index: index, name: item.name, arguments: item.arguments });
  }
  ev.push({ type: 'response.output_item.done', output_index: index, item });
  return ev;
}

let answers = 0;

/** The SSE text of one answer. */
export function responsesStream(a: StreamedAnswer): string {
  const n = ++answers;
  const id = `resp_${n}`;
  const output = items(a, n);
  const events = [{ type: 'response.created', response: response(id, 'in_progress', []) }, ...output.flatMap(itemEvents), { type: 'response.completed', response: response(id, 'completed', output, a.usage ?? { input: 10, output: 5 }) }];
  return events.map((e, i) => `event: ${e.type as string}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join('');
}
