/**
 * Shared pieces of the fake upstreams: request recording, scripted replies, error envelopes and a
 * paced/cuttable SSE writer that produces Anthropic-shaped event streams.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** How a request authenticated itself. */
export type AuthKind = 'x-api-key' | 'bearer' | 'none';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path including the query string, exactly as sent (e.g. `/v1/messages?beta=true`). */
  path: string;
  /** Path without the query string. */
  pathname: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: unknown;
  auth: AuthKind;
  /** The key or token presented (without `Bearer `). */
  credential: string | undefined;
  receivedAt: number;
}

/** A content block as it appears in a request (loosely typed: the fakes validate it). */
export interface RequestBlock {
  type: string;
  text?: unknown;
  thinking?: unknown;
  signature?: unknown;
  data?: unknown;
  [key: string]: unknown;
}

/** A message as it appears in a request. */
export interface RequestMessage {
  role: string;
  content: string | RequestBlock[];
}

/** The fields of a Messages request body the fakes look at; everything else is kept as-is. */
export interface MessagesBody {
  model: string;
  max_tokens: number;
  messages: RequestMessage[];
  stream?: boolean;
  system?: string | RequestBlock[];
  thinking?: { type: string; budget_tokens?: number };
  [key: string]: unknown;
}

/** What a reply function is given for each Messages request. */
export interface MessagesCall {
  body: MessagesBody;
  request: RecordedRequest;
  /** 0-based count of Messages requests this fake has answered. */
  index: number;
  /** The text of the last text block of the last user message ('' if none). */
  lastUserText: string;
}

/** An HTTP error the fake should answer with instead of a message. */
export interface ScriptedError {
  status: number;
  type: string;
  message: string;
  headers?: Record<string, string>;
}

/** Pacing and failure injection for one streamed reply. */
export interface StreamControl {
  /** Split the thinking and the text each into this many deltas (default 1 each, at least 1). */
  chunks?: number;
  /** Pause this long before writing each event after the first. */
  delayMs?: number;
  /** Destroy the connection after writing this many events (no message_stop). */
  cutAfter?: number;
  /** Stop writing after this many events and hold the connection open until the client or close() ends it. */
  stallAfter?: number;
  /** After this many events, write `event: error` and end the response. */
  errorAfter?: number;
  /** The error carried by `errorAfter` (default overloaded_error "Overloaded"). */
  errorEvent?: { type: string; message: string };
  /** Write a `ping` event right after message_start. */
  ping?: boolean;
}

/** A tool call the fake should make. */
export interface ScriptedToolUse {
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

/** Token counts the fake reports (defaults: estimated input, no cache, estimated output). */
export interface UsageNumbers {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  ephemeral_5m_input_tokens: number;
  ephemeral_1h_input_tokens: number;
}

/** One scripted answer; every field is optional and has a sensible default. */
export interface ScriptedReply {
  /** Answer text; default `echo: <last user text>`. An empty string omits the text block. */
  text?: string;
  /** Thinking text; null omits the block; default depends on the fake and the request. */
  thinking?: string | null;
  toolUse?: ScriptedToolUse;
  /** The `model` reported in the reply (default: the fake's choice). */
  model?: string;
  stopReason?: string;
  usage?: Partial<UsageNumbers>;
  error?: ScriptedError;
  stream?: StreamControl;
}

/** Where replies come from: one reply for all, a queue consumed in order, or a function of the request. */
export type ReplySource =
  | ScriptedReply
  | ScriptedReply[]
  | ((call: MessagesCall) => ScriptedReply | Promise<ScriptedReply>);

/** One SSE event. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Options shared by both fakes. */
export interface FakeUpstreamOptions {
  /** Initial reply source (default: the fake's default reply for every request). */
  replies?: ReplySource;
  /** Stream control applied to every streamed reply unless the reply has its own. */
  stream?: StreamControl;
  /** If set, only these credentials are accepted (others get 401). */
  acceptedKeys?: string[];
  /**
   * A strict fake's contract (see provider-rules.ts): the reason the provider would refuse a Messages
   * request, or null. Refused requests are answered as the provider answers invalid parameters.
   */
  check?: (request: RecordedRequest) => string | null;
}

/** Runs a fake's contract check on a request; records and returns the reason it is refused, if any. */
export function strictCheck(opts: FakeUpstreamOptions, request: RecordedRequest, refused: string[]): string | null {
  const reason = opts.check?.(request) ?? null;
  if (reason) refused.push(reason);
  return reason;
}

/** Picks replies from a ReplySource: queued replies first, then the function or the fixed reply. */
export class ReplyScript {
  private queue: ScriptedReply[] = [];
  private fallback: ((call: MessagesCall) => ScriptedReply | Promise<ScriptedReply>) | ScriptedReply = {};

  /** Replaces the script (arrays become a queue; when it runs out the default reply is used). */
  set(source: ReplySource | undefined): void {
    this.queue = [];
    this.fallback = {};
    if (source === undefined) return;
    if (Array.isArray(source)) this.queue = [...source];
    else this.fallback = source;
  }

  /** Appends replies to the queue, which is consumed before the fallback. */
  enqueue(...replies: ScriptedReply[]): void {
    this.queue.push(...replies);
  }

  /** The reply for this call. */
  async next(call: MessagesCall): Promise<ScriptedReply> {
    const queued = this.queue.shift();
    if (queued) return queued;
    return typeof this.fallback === 'function' ? this.fallback(call) : this.fallback;
  }
}

/** Reads a request body fully. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Finds how the request authenticated (x-api-key wins over Authorization: Bearer). */
export function detectAuth(headers: IncomingHttpHeaders): { auth: AuthKind; credential: string | undefined } {
  const key = headers['x-api-key'];
  if (typeof key === 'string' && key !== '') return { auth: 'x-api-key', credential: key };
  const authz = headers.authorization;
  if (typeof authz === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(authz);
    if (m?.[1]) return { auth: 'bearer', credential: m[1] };
  }
  return { auth: 'none', credential: undefined };
}

/** Reads and records a request. */
export async function recordRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const body = await readBody(req);
  let json: unknown;
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
  }
  const path = req.url ?? '/';
  const q = path.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path,
    pathname: q === -1 ? path : path.slice(0, q),
    headers: req.headers,
    body,
    json,
    ...detectAuth(req.headers),
    receivedAt: Date.now(),
  };
}

/** A random request id like Anthropic's `req_...`. */
export function newRequestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Writes Anthropic's error envelope. */
export function sendError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  requestId: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): void {
  sendJson(res, status, { type: 'error', error: { type, message }, request_id: requestId, ...extra }, {
    'request-id': requestId,
    ...headers,
  });
}

/** Splits text into `n` roughly equal non-empty pieces (fewer if the text is shorter). */
export function splitChunks(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(Math.floor(n), text.length || 1));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** The words Claude Code wraps text typed during a tool run in (captured: test/fixtures/claude-code). */
export const TYPED_WRAPPER = 'The user sent a new message while you were working:\n';

// Claude Code writes the typed text, then a blank line and an instruction (2.1.197: "IMPORTANT: After
// completing…", 2.1.250+: "This is how Claude Code surfaces…"), or ends the reminder holding it.
const TYPED_END = /\n\n(?:IMPORTANT: After completing|This is how Claude Code surfaces)|\n<\/system-reminder>/;

/** The text typed during a tool run inside `s`, or undefined when `s` holds none. */
export function typedText(s: string): string | undefined {
  const at = s.lastIndexOf(TYPED_WRAPPER);
  if (at < 0) return undefined;
  const rest = s.slice(at + TYPED_WRAPPER.length);
  const end = TYPED_END.exec(rest);
  return end ? rest.slice(0, end.index) : rest;
}

function blockStrings(content: string | RequestBlock[]): string[] {
  if (typeof content === 'string') return [content];
  const out: string[] = [];
  for (const b of content) {
    if (b.type === 'text' && typeof b.text === 'string') out.push(b.text);
    if (b.type === 'tool_result') out.push(...blockStrings((b.content as string | RequestBlock[] | undefined) ?? []));
  }
  return out;
}

/** Typed-during-tool text anywhere in a message (its text blocks and tool_result contents), last one wins. */
function typedIn(m: RequestMessage): string | undefined {
  const found = blockStrings(m.content).map(typedText).filter((t) => t !== undefined);
  return found.at(-1);
}

/**
 * The user's latest words, read the way Claude Code writes them: trailing `role: "system"` turns are
 * skipped (unless they carry text typed during a tool run), text typed during a tool run is unwrapped
 * wherever it sits (system turn, text block or tool_result content), a tool_result turn without it has no
 * words (''), and `<system-reminder>` blocks are never the user's. '' when none.
 */
export function lastUserText(body: MessagesBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i];
    if (!m) return '';
    const typed = m.role === 'system' || m.role === 'user' ? typedIn(m) : undefined;
    if (typed !== undefined) return typed;
    if (m.role === 'system') continue;
    if (m.role !== 'user') return '';
    if (typeof m.content === 'string') return m.content;
    if (m.content.some((b) => b.type === 'tool_result')) return '';
    const texts = m.content.filter((b) => b.type === 'text' && typeof b.text === 'string').map((b) => String(b.text));
    return texts.filter((t) => !t.trimStart().startsWith('<system-reminder>')).at(-1) ?? '';
  }
  return '';
}

/** Whether the last user turn (system turns after it skipped) carries tool results: the model is in a tool loop. */
export function inToolLoop(body: MessagesBody): boolean {
  const last = [...body.messages].reverse().find((m) => m.role !== 'system');
  return last?.role === 'user' && Array.isArray(last.content) && last.content.some((b) => b.type === 'tool_result');
}

/** A rough token estimate (4 bytes per token) used for usage and count_tokens. */
export function estimateTokens(value: unknown): number {
  const s = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(Buffer.byteLength(s) / 4));
}

/** A response block the fake produces. */
export type ReplyBlock =
  | { type: 'thinking'; thinking: string; signature: string; streamedThinking?: string; signatureInStart: boolean }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** The content blocks as they appear in a non-streaming reply. */
export function jsonBlocks(blocks: ReplyBlock[]): Record<string, unknown>[] {
  return blocks.map((b) => {
    if (b.type === 'thinking') return { type: 'thinking', thinking: b.thinking, signature: b.signature };
    if (b.type === 'text') return { type: 'text', text: b.text };
    return { type: 'tool_use', id: b.id, name: b.name, input: b.input };
  });
}

/** Builds the Anthropic SSE event sequence for a message. */
export function buildStreamEvents(
  message: Record<string, unknown>,
  blocks: ReplyBlock[],
  finalUsage: Record<string, unknown>,
  stopReason: string,
  control: StreamControl,
): SseEvent[] {
  const chunks = control.chunks ?? 1;
  const events: SseEvent[] = [{ event: 'message_start', data: { type: 'message_start', message } }];
  if (control.ping) events.push({ event: 'ping', data: { type: 'ping' } });
  blocks.forEach((b, index) => {
    const delta = (d: Record<string, unknown>): void => {
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: d } });
    };
    let start: Record<string, unknown>;
    if (b.type === 'thinking') {
      start = b.signatureInStart ? { type: 'thinking', thinking: '', signature: '' } : { type: 'thinking', thinking: '' };
    } else if (b.type === 'text') {
      start = { type: 'text', text: '' };
    } else {
      start = { type: 'tool_use', id: b.id, name: b.name, input: {} };
    }
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: start } });
    if (b.type === 'thinking') {
      for (const piece of splitChunks(b.streamedThinking ?? b.thinking, chunks)) {
        delta({ type: 'thinking_delta', thinking: piece });
      }
      delta({ type: 'signature_delta', signature: b.signature });
    } else if (b.type === 'text') {
      for (const piece of splitChunks(b.text, chunks)) delta({ type: 'text_delta', text: piece });
    } else {
      for (const piece of splitChunks(JSON.stringify(b.input), chunks)) {
        delta({ type: 'input_json_delta', partial_json: piece });
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: finalUsage },
  });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

/** Formats one SSE event with its `event:` line. */
export function formatSse(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes an SSE response honouring the stream control (pacing, cut, stall, mid-stream error). */
export async function writeSse(
  res: ServerResponse,
  events: SseEvent[],
  control: StreamControl,
  headers: Record<string, string>,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  res.flushHeaders();
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  for (let i = 0; i < events.length; i++) {
    if (closed) return;
    if (control.cutAfter !== undefined && i >= control.cutAfter) {
      await sleep(20); // let the written events reach the client before the connection drops
      res.socket?.destroy();
      return;
    }
    if (control.stallAfter !== undefined && i >= control.stallAfter) {
      return; // left open: the client, a timeout or the fake's close() ends it
    }
    if (control.errorAfter !== undefined && i >= control.errorAfter) {
      const error = control.errorEvent ?? { type: 'overloaded_error', message: 'Overloaded' };
      res.end(formatSse({ event: 'error', data: { type: 'error', error } }));
      return;
    }
    if (i > 0 && control.delayMs) await sleep(control.delayMs);
    if (closed) return;
    const ev = events[i];
    if (ev) await new Promise<void>((resolve) => res.write(formatSse(ev), () => resolve()));
  }
  res.end();
}
