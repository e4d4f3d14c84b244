/**
 * A strict fake of a third-party Anthropic-compatible endpoint (DeepSeek, Kimi, GLM, Qwen, Ollama, OpenRouter)
 * under a base path: it refuses what the provider's rules (provider-rules.ts) refuse with a 400, serves
 * count_tokens only when the provider does, answers other Messages requests like Anthropic (JSON or SSE).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './free-port.js';
import {
  buildStreamEvents,
  estimateTokens,
  jsonBlocks,
  lastUserText,
  newRequestId,
  recordRequest,
  ReplyScript,
  sendError,
  sendJson,
  strictCheck,
  writeSse,
  type FakeUpstreamOptions,
  type MessagesBody,
  type RecordedRequest,
  type ReplyBlock,
  type ReplySource,
  type ScriptedReply,
} from './fake-upstream-common.js';
import { violation, type ProviderRules } from './provider-rules.js';

/** Options of a provider fake. */
export interface FakeProviderOptions extends FakeUpstreamOptions {
  rules: ProviderRules;
  /** Path prefix the API lives under, e.g. `/anthropic` (default none). */
  basePath?: string;
}

/** A running provider fake. */
export interface FakeProvider {
  /** Base URL including the base path. */
  url: string;
  requests: RecordedRequest[];
  /** Why requests were refused, in order. */
  refused: string[];
  setScript(source: ReplySource | undefined): void;
  /** The parsed bodies of the Messages requests accepted so far. */
  messageBodies(): MessagesBody[];
  close(): Promise<void>;
}

/** Starts a strict provider fake on a random loopback port. */
export async function startFakeProvider(opts: FakeProviderOptions): Promise<FakeProvider> {
  const base = (opts.basePath ?? '').replace(/\/$/, '');
  const requests: RecordedRequest[] = [];
  const accepted: MessagesBody[] = [];
  const refused: string[] = [];
  const script = new ReplyScript();
  script.set(opts.replies);
  const counting = `${base}/v1/messages/count_tokens`;
  const check = opts.check ?? ((rec: RecordedRequest) => violation(opts.rules, rec.json, rec.headers, rec.pathname === counting));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rec = await recordRequest(req);
    requests.push(rec);
    const rid = newRequestId();
    const known = rec.pathname === `${base}/v1/messages` || (rec.pathname === counting && opts.rules.countTokens);
    if (rec.method !== 'POST' || !known) return sendError(res, 404, 'not_found_error', `Not found: ${rec.method} ${rec.pathname}`, rid);
    if (rec.auth === 'none' && opts.rules.name !== 'ollama') return sendError(res, 401, 'authentication_error', 'missing API key', rid);
    const reason = strictCheck({ ...opts, check }, rec, refused);
    if (reason) return sendError(res, 400, 'invalid_request_error', reason, rid);
    const body = rec.json as MessagesBody;
    if (rec.pathname === counting) return sendJson(res, 200, { input_tokens: estimateTokens(body.messages) });
    accepted.push(body);
    const reply = await script.next({ body, request: rec, index: accepted.length - 1, lastUserText: lastUserText(body) });
    await answer(res, body, reply, rid);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `fake-provider: ${String(err)}`, newRequestId());
      else res.destroy();
    });
  });
  const origin = await listenLocal(server);
  return { url: origin + base, requests, refused, setScript: (s) => script.set(s), messageBodies: () => accepted, close: () => closeServer(server) };
}

async function answer(res: ServerResponse, body: MessagesBody, reply: ScriptedReply, rid: string): Promise<void> {
  const headers = { 'request-id': rid, ...(reply.error?.headers ?? {}) };
  if (reply.error) return sendError(res, reply.error.status, reply.error.type, reply.error.message, rid, reply.error.headers);
  const blocks: ReplyBlock[] = [];
  const thinking = reply.thinking === undefined && body.thinking && body.thinking.type !== 'disabled' ? 'provider thinking' : reply.thinking;
  if (thinking) blocks.push({ type: 'thinking', thinking, signature: randomBytes(16).toString('hex'), signatureInStart: true });
  const text = reply.text ?? `echo: ${lastUserText(body)}`;
  if (text !== '') blocks.push({ type: 'text', text });
  const usage = { input_tokens: estimateTokens(body.messages), output_tokens: estimateTokens(blocks), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const base = { id: `msg_${randomBytes(12).toString('hex')}`, type: 'message', role: 'assistant', model: reply.model ?? body.model };
  const stopReason = reply.stopReason ?? 'end_turn';
  if (body.stream !== true) return sendJson(res, 200, { ...base, content: jsonBlocks(blocks), stop_reason: stopReason, stop_sequence: null, usage }, headers);
  const start = { ...base, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } };
  const control = reply.stream ?? {};
  await writeSse(res, buildStreamEvents(start, blocks, usage, stopReason, control), control, headers);
}
