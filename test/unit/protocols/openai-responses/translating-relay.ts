/**
 * A minimal Anthropic Messages endpoint on 127.0.0.1 that serves an upstream speaking the Responses API through
 * the openai-responses protocol object alone (request, stream, answer and error translation), so a real
 * Anthropic client can be pointed at the protocol's output. It stands in for the gateway's own forwarding.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { openaiResponses } from '../../../../src/protocols/openai-responses/index.js';
import { SseReader } from '../../../../src/upstream/sse-reader.js';
import { closeServer, listenLocal } from '../../../support/free-port.js';

/** A running relay; `notes` holds the translation notes of each request. */
export interface Relay {
  url: string;
  notes: string[][];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

async function relay(upstream: string, model: string, req: IncomingMessage, res: ServerResponse, notes: string[][]): Promise<void> {
  const body = await readJson(req);
  const t = openaiResponses.translateRequest(body, { model });
  notes.push(t.notes);
  const up = await fetch(`${upstream}/v1${openaiResponses.messagesPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(t.body) });
  const requested = typeof body.model === 'string' ? body.model : undefined;
  if (!up.ok) {
    const err = openaiResponses.translateError(up.status, await up.json().catch(() => undefined));
    res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify(err.json));
    return;
  }
  if (body.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(openaiResponses.translateAnswer(await up.json(), requested)));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const adapter = openaiResponses.createStreamAdapter(requested);
  const reader = new SseReader();
  for await (const chunk of up.body!) for (const ev of reader.push(Buffer.from(chunk as Uint8Array))) for (const out of adapter.push(ev)) res.write(out.raw);
  for (const out of adapter.end()) res.write(out.raw);
  res.end();
}

/** Starts a relay to the Responses upstream at `upstream`, sending requests out with `model`. */
export async function startRelay(upstream: string, model: string): Promise<Relay> {
  const notes: string[][] = [];
  const server = createServer((req, res) => {
    relay(upstream, model, req, res, notes).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(err) } }));
    });
  });
  const url = await listenLocal(server);
  return { url, notes, close: () => closeServer(server) };
}
