/**
 * A permissive logging upstream for capturing what Claude Code sends: records every request and answers
 * Messages calls as the scenario says (text, a tool call, a text/plain 418), models and count_tokens generically.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from '../../support/free-port.js';
import {
  buildStreamEvents,
  jsonBlocks,
  newRequestId,
  recordRequest,
  sendJson,
  writeSse,
  type MessagesBody,
  type RecordedRequest,
  type ReplyBlock,
} from '../../support/fake-upstream-common.js';

/** How the fake answers one Messages request. */
export type Answer =
  | { text: string }
  | { tool: { name: string; input: Record<string, unknown> } }
  | { teapot: string };

/** Picks the answer of a Messages request (index counts Messages requests from 0). */
export type Answerer = (body: MessagesBody, request: RecordedRequest, index: number) => Answer;

/** One logged request and a one-line summary of the answer. */
export interface LogEntry {
  request: RecordedRequest;
  answered: string;
}

/** A running logging fake. */
export interface LoggingFake {
  url: string;
  log: LogEntry[];
  /** Model ids GET /v1/models lists (replace before the client asks). */
  models: string[];
  close(): Promise<void>;
}

const sig = (): string => randomBytes(180).toString('base64');

function blocksOf(body: MessagesBody, answer: Answer): ReplyBlock[] {
  const blocks: ReplyBlock[] = [];
  if (body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive') {
    blocks.push({ type: 'thinking', thinking: 'Considering the request.', signature: sig(), signatureInStart: true });
  }
  if ('text' in answer) blocks.push({ type: 'text', text: answer.text });
  if ('tool' in answer) blocks.push({ type: 'tool_use', id: `toolu_${randomBytes(12).toString('hex')}`, ...answer.tool });
  return blocks;
}

async function answerMessages(res: ServerResponse, body: MessagesBody, answer: Answer, rid: string): Promise<void> {
  if ('teapot' in answer) {
    res.writeHead(418, { 'content-type': 'text/plain; charset=utf-8', 'request-id': rid });
    res.end(answer.teapot);
    return;
  }
  const blocks = blocksOf(body, answer);
  const stop = 'tool' in answer ? 'tool_use' : 'end_turn';
  const usage = { input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const base = { id: `msg_01${randomBytes(10).toString('hex')}`, type: 'message', role: 'assistant', model: body.model };
  if (body.stream !== true) {
    sendJson(res, 200, { ...base, content: jsonBlocks(blocks), stop_reason: stop, stop_sequence: null, usage }, { 'request-id': rid });
    return;
  }
  const start = { ...base, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } };
  await writeSse(res, buildStreamEvents(start, blocks, usage, stop, {}), {}, { 'request-id': rid });
}

/** Starts the logging fake on a random loopback port. */
export async function startLoggingFake(answerer: Answerer, models?: string[]): Promise<LoggingFake> {
  const log: LogEntry[] = [];
  let index = 0;
  const fake = { models: models ?? ['claude-opus-4-8', 'claude-sonnet-4-6', 'claude-haiku-4-5'] };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const request = await recordRequest(req);
    const entry: LogEntry = { request, answered: '' };
    log.push(entry);
    const rid = newRequestId();
    const route = `${request.method} ${request.pathname}`;
    if (route === 'POST /v1/messages') {
      const body = request.json as MessagesBody;
      const answer = answerer(body, request, index++);
      entry.answered = 'teapot' in answer ? `418 ${answer.teapot}` : 'tool' in answer ? `tool_use ${answer.tool.name}` : `text ${answer.text}`;
      await answerMessages(res, body, answer, rid);
    } else if (route === 'GET /v1/models') {
      const data = fake.models.map((id) => ({ type: 'model', id, display_name: `${id} (listed)`, created_at: '2026-01-01T00:00:00Z' }));
      entry.answered = `models ${fake.models.join(',')}`;
      sendJson(res, 200, { data, has_more: false, first_id: fake.models[0] ?? null, last_id: fake.models.at(-1) ?? null }, { 'request-id': rid });
    } else if (route === 'POST /v1/messages/count_tokens') {
      entry.answered = 'input_tokens 1000';
      sendJson(res, 200, { input_tokens: 1000 }, { 'request-id': rid });
    } else {
      entry.answered = '200 empty';
      res.writeHead(200, { 'request-id': rid });
      res.end();
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const url = await listenLocal(server);
  return Object.assign(fake, { url, log, close: () => closeServer(server) });
}
