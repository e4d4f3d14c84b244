/** An incremental reader of Server-Sent Events that survives events split anywhere across chunks. */
import type { ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';

/** One complete SSE event. `raw` is its exact text including the blank line that ends it. */
export interface SseEvent {
  /** The `event:` field, or `message` when absent. */
  event: string;
  /** The `data:` lines joined with newlines. */
  data: string;
  raw: string;
  /** The parsed data, filled in by the response pipe for events a stage asked for. */
  json?: unknown;
}

/** Created per response; never shared. */
export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Feeds a chunk; returns the events it completed (possibly none). */
  push(chunk: Buffer | string): SseEvent[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const end = findEventEnd(this.pending, start);
      if (end < 0) break;
      const raw = this.pending.slice(start, end);
      start = end;
      const ev = parseEvent(raw);
      if (ev) events.push(ev);
    }
    this.pending = this.pending.slice(start);
    return events;
  }

  /** Text received after the last complete event (an event cut off by the end of the stream). */
  rest(): string {
    return this.pending + this.decoder.end();
  }
}

/** Index just past the blank line that ends the event starting at `from`, or -1. */
function findEventEnd(text: string, from: number): number {
  let i = text.indexOf('\n', from);
  while (i >= 0) {
    const next = text.charCodeAt(i + 1);
    if (next === 10) return i + 2;
    if (next === 13 && text.charCodeAt(i + 2) === 10) return i + 3;
    if (Number.isNaN(next)) return -1;
    i = text.indexOf('\n', i + 1);
  }
  return -1;
}

/** Parses one raw event block; comment-only blocks (keep-alives) come back with event `comment`. */
export function parseEvent(raw: string): SseEvent | undefined {
  let event = '';
  const data: string[] = [];
  let any = false;
  for (const line of raw.split(/\r?\n/)) {
    if (line === '') continue;
    any = true;
    if (line.charCodeAt(0) === 58 /* : */) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (!any) return undefined;
  if (!event && data.length === 0) return { event: 'comment', data: '', raw };
  return { event: event || 'message', data: data.join('\n'), raw };
}

/** Serialises an event the way Anthropic does: `event:` line, one `data:` line, blank line. */
export function formatEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/**
 * Ends a started event stream with Anthropic's error event and closes the connection, so a cut answer
 * never looks complete to the client.
 */
export function endWithErrorEvent(res: ServerResponse, body: unknown): void {
  if (!res.destroyed) res.end(formatEvent('error', body), () => res.socket?.destroy());
}
