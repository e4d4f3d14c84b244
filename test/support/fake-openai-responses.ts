/**
 * A strict fake OpenAI Responses upstream on 127.0.0.1: POST /v1/responses bodies are checked against OpenAI's
 * CreateResponse schema (a violation gets the 400 OpenAI error JSON the API sends), then answered with the next
 * scripted reply: a recorded stream, a JSON answer, or an error. With a `key`, a request without
 * `authorization: Bearer <key>` gets OpenAI's 401.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { closeServer, listenLocal } from './free-port.js';
import { fixtureText } from './openai-responses-fixtures.js';
import { requestErrors } from './openai-responses-schemas.js';
import { responsesStream, type StreamedAnswer } from './openai-responses-stream.js';

/** What the fake answers one request with: a recorded stream (fixture name), a written one, a JSON answer or error. */
export type ScriptedReply = { sse: string } | { stream: StreamedAnswer } | { json: unknown; status?: number };

/** A running fake; `received` holds every request body in order, `headers` their headers. */
export interface FakeResponses {
  url: string;
  received: Array<Record<string, unknown>>;
  headers: IncomingMessage['headers'][];
  script(...replies: ScriptedReply[]): void;
  /** Answers every request not scripted (after the script runs out). */
  reply: ((body: Record<string, unknown>) => ScriptedReply) | undefined;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const oaiError = (message: string, code: string | null): unknown => ({ error: { message, type: 'invalid_request_error', param: null, code } });

/** Starts the fake on a random port. */
export async function startFakeResponses(opts: { key?: string } = {}): Promise<FakeResponses> {
  const queue: ScriptedReply[] = [];
  const received: Array<Record<string, unknown>> = [];
  const headers: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const send = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      if (req.method !== 'POST' || req.url !== '/v1/responses') return send(404, oaiError(`Invalid URL (${req.method} ${req.url})`, null));
      headers.push(req.headers);
      if (opts.key !== undefined && req.headers.authorization !== `Bearer ${opts.key}`) return send(401, oaiError('Incorrect API key provided.', 'invalid_api_key'));
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push(body);
      const problems = requestErrors(body);
      if (problems.length > 0) return send(400, oaiError(`Invalid request: ${problems.join('; ')}`, 'invalid_value'));
      const reply = queue.shift() ?? fake.reply?.(body);
      if (!reply) return send(500, { error: { message: 'no scripted reply', type: 'server_error', param: null, code: null } });
      if ('sse' in reply || 'stream' in reply) {
        if (body.stream !== true) return send(400, oaiError('a streamed reply was scripted for a request without stream: true', null));
        res.writeHead(200, { 'content-type': 'text/event-stream' }).end('sse' in reply ? fixtureText(reply.sse) : responsesStream(reply.stream));
      } else send(reply.status ?? 200, reply.json);
    });
  });
  const fake: FakeResponses = { url: '', received, headers, reply: undefined, script: (...r) => queue.push(...r), close: () => closeServer(server) };
  fake.url = await listenLocal(server);
  return fake;
}
