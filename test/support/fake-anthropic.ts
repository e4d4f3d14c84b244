/**
 * A strict fake of Anthropic's API on 127.0.0.1: signs its own thinking blocks and rejects any it did not issue,
 * rejects empty text blocks and manual-thinking tool loops without leading thinking, records every request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { validateMessagesBody } from './anthropic-validation.js';
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
  writeSse,
  type FakeUpstreamOptions,
  type MessagesBody,
  type RecordedRequest,
  type ReplyBlock,
  type ReplySource,
  type RequestBlock,
  type ScriptedReply,
} from './fake-upstream-common.js';

/** Options of the Anthropic fake. */
export interface FakeAnthropicOptions extends FakeUpstreamOptions {
  /** Model ids listed by GET /v1/models. */
  models?: string[];
  /** Require the `anthropic-version` header on API calls (default true, like Anthropic). */
  requireVersionHeader?: boolean;
  /** Reject `context_management` unless a `context-management-*` beta is sent (default true, like Anthropic). */
  requireBetas?: boolean;
}

/** A running Anthropic fake. */
export interface FakeAnthropic {
  url: string;
  /** Every request received, in order (including rejected ones). */
  requests: RecordedRequest[];
  /** Replaces the reply source (arrays are a queue; when it runs out the default reply is used). */
  setScript(source: ReplySource | undefined): void;
  /** Appends replies to the queue. */
  enqueue(...replies: ScriptedReply[]): void;
  /** The parsed bodies of the POST /v1/messages requests received so far. */
  messageBodies(): MessagesBody[];
  /** Signs thinking text the way this fake does, so tests can build histories it accepts. */
  signThinking(thinking: string): string;
  /** Whether this fake issued `signature` for exactly this thinking text. */
  isIssued(signature: string, thinking: string): boolean;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['claude-opus-4-8', 'claude-sonnet-4-6', 'claude-haiku-4-5'];

/** Starts the Anthropic fake on a random loopback port. */
export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const secret = randomBytes(32);
  const issued = new Set<string>();
  const requests: RecordedRequest[] = [];
  const script = new ReplyScript();
  script.set(opts.replies);
  let messageCount = 0;

  const mac = (nonce: Buffer, text: string): Buffer =>
    createHmac('sha256', secret).update(nonce).update(text, 'utf8').digest();
  const signThinking = (thinking: string): string => {
    const nonce = randomBytes(64);
    const sig = Buffer.concat([Buffer.from('fakeant1'), nonce, mac(nonce, thinking)]).toString('base64');
    issued.add(sig);
    return sig;
  };
  const isIssued = (signature: string, thinking: string): boolean => {
    if (!issued.has(signature)) return false;
    const raw = Buffer.from(signature, 'base64');
    const nonce = raw.subarray(8, 72);
    const got = raw.subarray(72);
    const want = mac(nonce, thinking);
    return got.length === want.length && timingSafeEqual(got, want);
  };
  const signed = (b: RequestBlock): boolean =>
    b.type === 'thinking' && typeof b.signature === 'string' && typeof b.thinking === 'string'
      ? isIssued(b.signature, b.thinking)
      : false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rec = await recordRequest(req);
    requests.push(rec);
    const rid = newRequestId();
    const baseHeaders = { 'request-id': rid };
    if (rec.method === 'HEAD' && rec.pathname === '/') {
      res.writeHead(200, baseHeaders);
      res.end();
      return;
    }
    const route = `${rec.method} ${rec.pathname}`;
    const known = ['GET /v1/models', 'POST /v1/messages', 'POST /v1/messages/count_tokens'];
    if (!known.includes(route)) {
      sendError(res, 404, 'not_found_error', `Not found: ${rec.method} ${rec.pathname}`, rid);
      return;
    }
    if (rec.auth === 'none') {
      sendError(res, 401, 'authentication_error', 'x-api-key header is required', rid);
      return;
    }
    if (opts.acceptedKeys && !opts.acceptedKeys.includes(rec.credential ?? '')) {
      sendError(res, 401, 'authentication_error', 'invalid x-api-key', rid);
      return;
    }
    if ((opts.requireVersionHeader ?? true) && !rec.headers['anthropic-version']) {
      sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required', rid);
      return;
    }
    if (route === 'GET /v1/models') {
      const ids = opts.models ?? DEFAULT_MODELS;
      const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
      sendJson(res, 200, { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }, baseHeaders);
      return;
    }
    const isCount = route === 'POST /v1/messages/count_tokens';
    const bad = validateMessagesBody(rec.json, signed, isCount);
    if (bad) {
      sendError(res, 400, 'invalid_request_error', bad.message, rid);
      return;
    }
    const body = rec.json as MessagesBody;
    const betas = String(rec.headers['anthropic-beta'] ?? '').split(',').map((b) => b.trim());
    if ((opts.requireBetas ?? true) && body.context_management !== undefined && !betas.some((b) => b.startsWith('context-management-'))) {
      sendError(res, 400, 'invalid_request_error', 'context_management: Extra inputs are not permitted', rid);
      return;
    }
    if (isCount) {
      sendJson(res, 200, { input_tokens: estimateTokens({ s: body.system, m: body.messages, t: body.tools }) }, baseHeaders);
      return;
    }
    const index = messageCount++;
    const reply = await script.next({ body, request: rec, index, lastUserText: lastUserText(body) });
    await answer(res, body, reply, rid, opts, signThinking);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `fake-anthropic: ${String(err)}`, newRequestId());
      else res.destroy();
    });
  });
  const url = await listenLocal(server);
  return {
    url,
    requests,
    setScript: (s) => script.set(s),
    enqueue: (...r) => script.enqueue(...r),
    messageBodies: () =>
      requests.filter((r) => r.method === 'POST' && r.pathname === '/v1/messages').map((r) => r.json as MessagesBody),
    signThinking,
    isIssued,
    close: () => closeServer(server),
  };
}

function newId(prefix: string): string {
  return prefix + randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
}

async function answer(
  res: ServerResponse,
  body: MessagesBody,
  reply: ScriptedReply,
  rid: string,
  opts: FakeAnthropicOptions,
  sign: (t: string) => string,
): Promise<void> {
  if (reply.error) {
    const e = reply.error;
    sendError(res, e.status, e.type, e.message, rid, e.headers);
    return;
  }
  const userText = lastUserText(body);
  const wantsThinking = body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive';
  const thinking = reply.thinking !== undefined ? reply.thinking : wantsThinking ? `Thinking about: ${userText}` : null;
  const text = reply.text ?? `echo: ${userText}`;
  const blocks: ReplyBlock[] = [];
  if (thinking !== null) blocks.push({ type: 'thinking', thinking, signature: sign(thinking), signatureInStart: true });
  if (text !== '') blocks.push({ type: 'text', text });
  if (reply.toolUse) {
    const t = reply.toolUse;
    blocks.push({ type: 'tool_use', id: t.id ?? newId('toolu_'), name: t.name, input: t.input });
  }
  const u = reply.usage ?? {};
  const c5 = u.ephemeral_5m_input_tokens ?? 0;
  const c1 = u.ephemeral_1h_input_tokens ?? 0;
  const usage = {
    input_tokens: u.input_tokens ?? estimateTokens(body.messages),
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? c5 + c1,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: c5, ephemeral_1h_input_tokens: c1 },
    output_tokens: u.output_tokens ?? estimateTokens(blocks),
    service_tier: 'standard',
  };
  const stopReason = reply.stopReason ?? (reply.toolUse ? 'tool_use' : 'end_turn');
  const base = {
    id: newId('msg_01'),
    type: 'message',
    role: 'assistant',
    model: reply.model ?? body.model,
  };
  const headers = { 'request-id': rid };
  if (body.stream !== true) {
    const message = { ...base, content: jsonBlocks(blocks), stop_reason: stopReason, stop_sequence: null, usage };
    sendJson(res, 200, message, headers);
    return;
  }
  const startMessage = {
    ...base,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usage, output_tokens: 1 },
  };
  const control = reply.stream ?? opts.stream ?? {};
  const finalUsage = {
    input_tokens: usage.input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    output_tokens: usage.output_tokens,
  };
  await writeSse(res, buildStreamEvents(startMessage, blocks, finalUsage, stopReason, control), control, headers);
}
