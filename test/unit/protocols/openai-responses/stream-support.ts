/**
 * Test helpers for the Responses stream adapter: reading recorded streams, running them through an adapter in
 * arbitrary chunks, and checking that the result is a well-formed Anthropic Messages stream.
 */
import { SseReader, type SseEvent } from '../../../../src/upstream/sse-reader.js';
import { openaiResponses } from '../../../../src/protocols/openai-responses/index.js';

export { fixtureEvents, fixtureText } from '../../../support/openai-responses-fixtures.js';

/** Runs `text` through a fresh adapter, cut into chunks at `cuts` (byte offsets), as the response pipe would. */
export function adapt(text: string, cuts: number[] = [], model: string | undefined = 'claude-opus-4-8'): SseEvent[] {
  const adapter = openaiResponses.createStreamAdapter(model);
  const reader = new SseReader();
  const out: SseEvent[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < text.length)].sort((a, b) => a - b).concat(text.length)) {
    for (const ev of reader.push(text.slice(at, cut))) out.push(...adapter.push(ev));
    at = cut;
  }
  out.push(...adapter.end());
  return out;
}

type Obj = Record<string, unknown>;
const data = (e: SseEvent): Obj => JSON.parse(e.data) as Obj;

/**
 * Problems with an Anthropic stream: every event named as its data's type and serialised as one `event:` and one
 * `data:` line; message_start first; blocks indexed densely from 0, started once, deltas only while open and of
 * their kind, stopped once; message_delta then message_stop last, or a single error event last.
 */
export function anthropicStreamProblems(events: SseEvent[]): string[] {
  const problems: string[] = [];
  const kinds = new Map<number, string>();
  let open: number | undefined;
  events.forEach((e, i) => {
    const d = data(e);
    if (d.type !== e.event) problems.push(`#${i}: event ${e.event} carries type ${String(d.type)}`);
    if (e.raw !== `event: ${e.event}\ndata: ${e.data}\n\n`) problems.push(`#${i}: not serialised as one event line and one data line`);
    const last = i === events.length - 1;
    if (e.event === 'error') {
      if (!last) problems.push(`#${i}: error event is not last`);
      return;
    }
    if ((i === 0) !== (e.event === 'message_start')) problems.push(`#${i}: message_start must be first and only first`);
    if (e.event === 'message_stop' && !last) problems.push(`#${i}: message_stop is not last`);
    if (e.event === 'message_delta' && events[i + 1]?.event !== 'message_stop') problems.push(`#${i}: message_delta not followed by message_stop`);
    if (e.event === 'content_block_start') {
      const index = d.index as number;
      if (open !== undefined) problems.push(`#${i}: block ${index} starts while ${open} is open`);
      if (index !== kinds.size) problems.push(`#${i}: block index ${index}, expected ${kinds.size}`);
      kinds.set(index, (d.content_block as Obj).type as string);
      open = index;
    } else if (e.event === 'content_block_delta') {
      if (d.index !== open) problems.push(`#${i}: delta for block ${String(d.index)} while ${String(open)} is open`);
      const delta = (d.delta as Obj).type as string;
      const allowed: Record<string, string[]> = { text: ['text_delta'], tool_use: ['input_json_delta'], thinking: ['thinking_delta', 'signature_delta'] };
      if (!allowed[kinds.get(d.index as number) ?? '']?.includes(delta)) problems.push(`#${i}: ${delta} in a ${String(kinds.get(d.index as number))} block`);
    } else if (e.event === 'content_block_stop') {
      if (d.index !== open) problems.push(`#${i}: stop of block ${String(d.index)} while ${String(open)} is open`);
      open = undefined;
    }
  });
  const lastEvent = events.at(-1)?.event;
  if (lastEvent !== 'message_stop' && lastEvent !== 'error') problems.push(`stream ends with ${String(lastEvent)}`);
  if (lastEvent === 'message_stop' && open !== undefined) problems.push(`block ${open} never stopped`);
  return problems;
}

/** The content blocks an Anthropic stream builds (as a client accumulates them), and its final delta. */
export function accumulate(events: SseEvent[]): { blocks: Obj[]; stop?: Obj; usage?: Obj; error?: Obj } {
  const blocks: Obj[] = [];
  const json: string[] = [];
  const out: { blocks: Obj[]; stop?: Obj; usage?: Obj; error?: Obj } = { blocks };
  for (const e of events) {
    const d = data(e);
    if (e.event === 'content_block_start') {
      blocks[d.index as number] = { ...(d.content_block as Obj) };
      json[d.index as number] = '';
    } else if (e.event === 'content_block_delta') {
      const b = blocks[d.index as number]!;
      const delta = d.delta as Obj;
      if (delta.type === 'text_delta') b.text = `${b.text as string}${delta.text as string}`;
      if (delta.type === 'thinking_delta') b.thinking = `${b.thinking as string}${delta.thinking as string}`;
      if (delta.type === 'signature_delta') b.signature = delta.signature;
      if (delta.type === 'input_json_delta') json[d.index as number] += delta.partial_json as string;
    } else if (e.event === 'content_block_stop' && blocks[d.index as number]!.type === 'tool_use') {
      blocks[d.index as number]!.input = JSON.parse(json[d.index as number] || '{}') as unknown;
    } else if (e.event === 'message_delta') {
      out.stop = d.delta as Obj;
      out.usage = d.usage as Obj;
    } else if (e.event === 'error') out.error = d;
  }
  return out;
}
