/**
 * Checks an Anthropic Messages event sequence: every event named and its name equal to its data's type,
 * message_start first, message_stop (or error) last, content blocks with dense indexes from 0, started before
 * their deltas, one open at a time, each stopped once, and deltas of the kind of their block.
 */
type Obj = Record<string, unknown>;

/** One event as a client reads it. */
export interface NamedEvent {
  event: string;
  data: Obj;
}

const DELTA_OF: Record<string, string[]> = { text: ['text_delta'], thinking: ['thinking_delta', 'signature_delta'], tool_use: ['input_json_delta'] };

/** The first violation found, or null for a well-formed stream. */
export function streamViolation(events: NamedEvent[]): string | null {
  if (events[0]?.event !== 'message_start') return `first event is ${events[0]?.event}`;
  const last = events.at(-1)!.event;
  if (last !== 'message_stop' && last !== 'error') return `last event is ${last}`;
  let open: { index: number; type: string } | undefined;
  let next = 0;
  for (const [i, e] of events.entries()) {
    if (!e.event || e.data.type !== e.event) return `event ${i} is named ${e.event} but carries ${String(e.data.type)}`;
    if (e.event === 'content_block_start') {
      if (open) return `block ${String(e.data.index)} starts while ${open.index} is open`;
      if (e.data.index !== next) return `block index ${String(e.data.index)}, expected ${next}`;
      open = { index: next++, type: String((e.data.content_block as Obj).type) };
    } else if (e.event === 'content_block_delta') {
      if (!open || e.data.index !== open.index) return `delta for ${String(e.data.index)} while ${open?.index} is open`;
      const type = String((e.data.delta as Obj).type);
      if (!DELTA_OF[open.type]?.includes(type)) return `${type} in a ${open.type} block`;
    } else if (e.event === 'content_block_stop') {
      if (!open || e.data.index !== open.index) return `stop for ${String(e.data.index)} while ${open?.index} is open`;
      open = undefined;
    } else if (e.event === 'message_delta' || e.event === 'message_stop') {
      if (open) return `${e.event} while block ${open.index} is open`;
    }
  }
  return null;
}
