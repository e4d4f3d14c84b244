/** A programmable upstream for core tests: records every request byte-exact and answers with a handler. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './free-port.js';

/** One request as the upstream received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: unknown;
}

/** Answers a recorded request. Default: a small JSON message naming this upstream. */
export type UpstreamHandler = (seen: SeenRequest, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

/** A running recording upstream. */
export interface RecordingUpstream {
  url: string;
  name: string;
  seen: SeenRequest[];
  setHandler(h: UpstreamHandler): void;
  close(): Promise<void>;
}

/** Starts an upstream on a random loopback port. */
export async function startRecordingUpstream(name: string, handler?: UpstreamHandler): Promise<RecordingUpstream> {
  const seen: SeenRequest[] = [];
  let current: UpstreamHandler = handler ?? ((s, res) => jsonMessage(res, name, s));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const s: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
      seen.push(s);
      void Promise.resolve(current(s, res, req)).catch(() => res.destroy());
    });
  });
  const url = await listenLocal(server);
  return { url, name, seen, setHandler: (h) => (current = h), close: () => closeServer(server) };
}

/** Answers with a small Anthropic message whose text names the upstream. */
export function jsonMessage(res: ServerResponse, name: string, s: SeenRequest, usage = { input_tokens: 10, output_tokens: 5 }): void {
  const model = (s.json as { model?: string } | undefined)?.model ?? 'unknown';
  const body = JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: `from ${name}` }], stop_reason: 'end_turn', usage });
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${name}` });
  res.end(body);
}

/** Writes one SSE event. */
export function sse(res: ServerResponse, event: string, data: unknown): boolean {
  return res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The standard event sequence of a short text answer, for streaming tests. */
export function textStream(model: string, text: string): Array<[string, unknown]> {
  return [
    ['message_start', { type: 'message_start', message: { id: 'msg_s', type: 'message', role: 'assistant', model, content: [], usage: { input_tokens: 7, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }],
    ['message_stop', { type: 'message_stop' }],
  ];
}
