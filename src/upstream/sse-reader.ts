/** An incremental reader of Server-Sent Events that survives events split anywhere across chunks. */
import type { ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { errorJson, type GatewayError } from '../errors.js';

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

/**
 * Created per response; never shared. Scanning is linear in the bytes received: each chunk is searched once
 * (and the two characters before it looked at), and an event split across chunks is kept as a list of pieces joined
 * once when it completes. An event larger than `maxEventBytes` sets `tooLarge` and stops the reader.
 */
export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  /** Pieces of the event in progress (text after the last complete event). */
  private parts: string[] = [];
  private partsBytes = 0;
  /** The last two characters held, where a terminator split across chunks begins. */
  private tail = '';
  /** Set once an event exceeded the cap; the reader then returns no more events. */
  tooLarge = false;

  constructor(private readonly maxEventBytes = Number.POSITIVE_INFINITY) {}

  /** Feeds a chunk; returns the events it completed (possibly none). */
  push(chunk: Buffer | string): SseEvent[] {
    if (this.tooLarge) return [];
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text === '') return [];
    const events: SseEvent[] = [];
    let start = 0;
    if (this.parts.length > 0) {
      start = this.completePending(text, events);
      if (start < 0 || this.tooLarge) return events;
    }
    for (;;) {
      const end = findEventEnd(text, start);
      if (end < 0) break;
      if (!this.take(text.slice(start, end), events)) return events;
      start = end;
    }
    if (start < text.length) this.keep(start === 0 ? text : text.slice(start));
    return events;
  }

  /** Text received after the last complete event (an event cut off by the end of the stream). */
  rest(): string {
    return this.parts.join('') + this.decoder.end();
  }

  /** Ends the event in progress if `text` completes it; returns where scanning `text` goes on, or -1. */
  private completePending(text: string, events: SseEvent[]): number {
    const used = endAcross(this.tail, text);
    if (used < 0) {
      this.keep(text);
      return -1;
    }
    this.parts.push(text.slice(0, used));
    const raw = this.parts.join('');
    this.parts = [];
    this.partsBytes = 0;
    this.tail = '';
    this.take(raw, events);
    return used;
  }

  /** Parses one complete event into `events`; false (and `tooLarge`) when it is over the cap. */
  private take(raw: string, events: SseEvent[]): boolean {
    // UTF-8 needs at most 3 bytes per UTF-16 unit: only long events are measured exactly.
    if (raw.length * 3 > this.maxEventBytes && Buffer.byteLength(raw) > this.maxEventBytes) {
      this.tooLarge = true;
      return false;
    }
    const ev = parseEvent(raw);
    if (ev) events.push(ev);
    return true;
  }

  /** Holds text of the event in progress, failing once it alone is over the cap. */
  private keep(text: string): void {
    this.parts.push(text);
    this.partsBytes += Buffer.byteLength(text);
    this.tail = text.length >= 2 ? text.slice(-2) : this.tail.slice(-1) + text;
    if (this.partsBytes > this.maxEventBytes) {
      this.tooLarge = true;
      this.parts = [];
    }
  }
}

/**
 * Index in `text` just past the blank line that ends an event whose earlier text ended with `tail` (its last
 * two characters), or -1. A terminator may begin in the tail: `\n` + `\n`, `\n` + `\r\n`, `\n\r` + `\n`.
 */
function endAcross(tail: string, text: string): number {
  const a = text.charCodeAt(0);
  if (tail.endsWith('\n')) {
    if (a === 10) return 1;
    if (a === 13 && text.charCodeAt(1) === 10) return 2;
  } else if (tail.endsWith('\n\r') && a === 10) return 1;
  return findEventEnd(text, 0);
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
 * Ends a started event stream with Anthropic's error event for `err` (after `before`, text still to send)
 * and closes the connection, so a cut answer never looks complete to the client.
 */
export function endWithErrorEvent(res: ServerResponse, err: GatewayError, before = '', requestId?: string): void {
  if (res.destroyed) return;
  // The response lets go of its socket once finished: keep it to close the connection afterwards.
  const socket = res.socket;
  res.end(before + formatEvent('error', errorJson(err, requestId)), () => socket?.destroy());
}
