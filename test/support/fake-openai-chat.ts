/**
 * A strict fake Chat Completions server on 127.0.0.1: POST <base>/chat/completions is checked like OpenAI would
 * (openai-chat-validation.ts) and refused with OpenAI's error body when it fails; answers are scripted (text,
 * reasoning, tool calls, usage, errors, or a raw recorded stream) and streamed in OpenAI's chunk format.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './free-port.js';
import { recordRequest, sendJson, type RecordedRequest } from './fake-upstream-common.js';
import { checkChatRequest, type ChatCheckOptions } from './openai-chat-validation.js';

type Obj = Record<string, unknown>;

/** One scripted answer. */
export interface ChatReply {
  text?: string;
  reasoning?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  finish?: string;
  usage?: { prompt: number; completion: number; cached?: number };
  /** Answer this status and OpenAI error body instead. */
  error?: { status: number; body: unknown };
  /** Send this SSE text as the whole stream (a recorded fixture). */
  raw?: string;
  /** Streams wait for this before their finish chunk (to see the client read the first deltas live). */
  hold?: Promise<void>;
}

/** A running fake. */
export interface FakeOpenAIChat {
  url: string;
  requests: RecordedRequest[];
  /** Why each refused request was refused (empty when every request was accepted). */
  refusals: string[];
  /** The accepted chat bodies, in order. */
  bodies(): Obj[];
  /** The answer for each request (default: a short text). */
  reply: (body: Obj, n: number) => ChatReply;
  close(): Promise<void>;
}

/** Options of the fake. */
export interface FakeOpenAIChatOptions extends ChatCheckOptions {
  /** The key it expects as a bearer token (none: no authorization header allowed). */
  key?: string;
  /** Path prefix before /chat/completions (default `/v1`). */
  base?: string;
}

const HEADERS_REFUSED = ['x-api-key', 'anthropic-version', 'anthropic-beta'];

function headerProblem(r: RecordedRequest, key: string | undefined): string | null {
  for (const h of HEADERS_REFUSED) if (r.headers[h] !== undefined) return `header ${h} must not reach a Chat Completions server`;
  const auth = r.headers.authorization;
  if (key === undefined) return auth === undefined ? null : 'unexpected authorization header';
  return auth === `Bearer ${key}` ? null : `Incorrect API key provided: ${String(auth)}`;
}

function chunk(model: string, delta: Obj, finish: string | null = null, extra: Obj = {}): string {
  const c = { id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created: 1764633600, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra };
  return `data: ${JSON.stringify(c)}\n\n`;
}

function usageOf(r: ChatReply): Obj {
  const u = r.usage ?? { prompt: 10, completion: 5 };
  return { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion, prompt_tokens_details: { cached_tokens: u.cached ?? 0 } };
}

function finishOf(r: ChatReply): string {
  return r.finish ?? (r.toolCalls?.length ? 'tool_calls' : 'stop');
}

async function stream(res: ServerResponse, model: string, r: ChatReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (r.raw !== undefined) return void res.end(r.raw);
  res.write(chunk(model, { role: 'assistant', content: '' }));
  for (const piece of (r.reasoning ?? '').match(/.{1,8}/gs) ?? []) res.write(chunk(model, { reasoning_content: piece }));
  for (const piece of (r.text ?? '').match(/.{1,8}/gs) ?? []) res.write(chunk(model, { content: piece }));
  (r.toolCalls ?? []).forEach((call, index) => {
    res.write(chunk(model, { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of call.arguments.match(/.{1,10}/gs) ?? []) res.write(chunk(model, { tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  if (r.hold) await r.hold;
  res.write(chunk(model, {}, finishOf(r)));
  res.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created: 1764633600, model, choices: [], usage: usageOf(r) })}\n\n`);
  res.end('data: [DONE]\n\n');
}

function completion(model: string, r: ChatReply): Obj {
  const message: Obj = { role: 'assistant', content: r.text ?? null, refusal: null };
  if (r.reasoning) message.reasoning_content = r.reasoning;
  if (r.toolCalls?.length) message.tool_calls = r.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  return { id: 'chatcmpl-fake1', object: 'chat.completion', created: 1764633600, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finishOf(r) }], usage: usageOf(r) };
}

/** Starts the fake on a random loopback port; `url` includes the base path (e.g. http://127.0.0.1:1234/v1). */
export async function startFakeOpenAIChat(opts: FakeOpenAIChatOptions = {}): Promise<FakeOpenAIChat> {
  const base = opts.base ?? '/v1';
  const fake: FakeOpenAIChat = {
    url: '',
    requests: [],
    refusals: [],
    bodies: () => fake.requests.filter((r) => r.pathname === `${base}/chat/completions` && !(r as { refused?: boolean }).refused).map((r) => r.json as Obj),
    reply: () => ({ text: 'hello from the fake' }),
    close: () => closeServer(server),
  };
  const refuse = (res: ServerResponse, r: RecordedRequest, status: number, message: string): void => {
    (r as { refused?: boolean }).refused = true;
    fake.refusals.push(message);
    sendJson(res, status, { error: { message, type: 'invalid_request_error', param: null, code: null } });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const r = await recordRequest(req);
    fake.requests.push(r);
    if (r.method !== 'POST' || r.pathname !== `${base}/chat/completions`) return refuse(res, r, 404, `Invalid URL (${r.method} ${r.path})`);
    const auth = headerProblem(r, opts.key);
    if (auth) return refuse(res, r, auth.startsWith('Incorrect') ? 401 : 400, auth);
    const json = r.json as Obj;
    const noUsage = json?.stream === true && (json.stream_options as Obj | undefined)?.include_usage !== true;
    const problem = checkChatRequest(json, opts) ?? (noUsage ? 'stream without stream_options.include_usage' : null);
    if (problem) return refuse(res, r, 400, problem);
    const body = r.json as Obj;
    const reply = fake.reply(body, fake.bodies().length - 1);
    if (reply.error) return sendJson(res, reply.error.status, reply.error.body);
    const model = String(body.model);
    if (body.stream === true) return stream(res, model, reply);
    sendJson(res, 200, completion(model, reply));
  };
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  fake.url = (await listenLocal(server)) + base;
  return fake;
}
