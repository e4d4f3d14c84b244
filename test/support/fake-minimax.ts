/**
 * A fake of MiniMax's Anthropic-compatible endpoint (under `/anthropic`): sha256-hex thinking "signatures" sent
 * only in a late signature_delta, 32-hex ids, `base_resp` in JSON, its own model name, HTTP 500 permanent errors.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { checkToolPairing } from './anthropic-validation.js';
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
  type ScriptedError,
  type ScriptedReply,
} from './fake-upstream-common.js';

/** Options of the MiniMax fake. */
export interface FakeMiniMaxOptions extends FakeUpstreamOptions {
  /** Path prefix the API lives under (default `/anthropic`). */
  basePath?: string;
  /** Model reported when the request names a model this fake does not know (default `MiniMax-M2.7`). */
  model?: string;
  /** Append this many `\n` to streamed thinking text, like MiniMax sometimes does (default 0). */
  trailingNewlines?: number;
}

/** A running MiniMax fake. */
export interface FakeMiniMax {
  /** Base URL including the base path, e.g. `http://127.0.0.1:4321/anthropic`. */
  url: string;
  /** The server origin without the base path. */
  origin: string;
  requests: RecordedRequest[];
  setScript(source: ReplySource | undefined): void;
  enqueue(...replies: ScriptedReply[]): void;
  /** The parsed bodies of the Messages requests received so far. */
  messageBodies(): MessagesBody[];
  /** Why requests were refused by the `check` contract, in order. */
  refused: string[];
  close(): Promise<void>;
}

/** MiniMax's model names. */
export const MINIMAX_MODELS = ['MiniMax-M2.7', 'MiniMax-M2.7-highspeed', 'MiniMax-M2.5', 'MiniMax-M2.1', 'MiniMax-M2'];

const ERROR_TEXT: Record<number, string> = {
  1000: 'unknown error',
  1001: 'request timeout',
  1002: 'rate limit exceeded',
  1004: 'not authorized',
  1008: 'insufficient balance',
  1024: 'internal error',
  1026: 'input new_sensitive',
  1027: 'output new_sensitive',
  2013: 'invalid params',
  2049: 'invalid api key',
  2061: 'your current token plan not support model',
};

/** MiniMax's thinking "signature": the hex SHA-256 of the thinking text. */
export function minimaxSignature(thinking: string): string {
  return createHash('sha256').update(thinking, 'utf8').digest('hex');
}

/** A scripted MiniMax failure as it arrives on the wire: HTTP 500 api_error whose message ends in `(code)`. */
export function minimaxError(code: number): ScriptedError {
  return { status: 500, type: 'api_error', message: `${ERROR_TEXT[code] ?? 'error'} (${code})` };
}

/** Starts the MiniMax fake on a random loopback port. */
export async function startFakeMiniMax(opts: FakeMiniMaxOptions = {}): Promise<FakeMiniMax> {
  const basePath = (opts.basePath ?? '/anthropic').replace(/\/$/, '');
  const requests: RecordedRequest[] = [];
  const refused: string[] = [];
  const script = new ReplyScript();
  script.set(opts.replies);
  let count = 0;
  const messagesPath = `${basePath}/v1/messages`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rec = await recordRequest(req);
    requests.push(rec);
    const rid = newRequestId();
    if (rec.method !== 'POST' || rec.pathname !== messagesPath) {
      sendError(res, 404, 'not_found_error', `Not found: ${rec.method} ${rec.pathname}`, rid);
      return;
    }
    if (rec.auth === 'none' || (opts.acceptedKeys && !opts.acceptedKeys.includes(rec.credential ?? ''))) {
      sendError(res, 401, 'authentication_error', `${ERROR_TEXT[2049]} (2049)`, rid, {}, baseResp(2049, ERROR_TEXT[2049]));
      return;
    }
    const body = rec.json as MessagesBody | undefined;
    if (!body || typeof body !== 'object' || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      sendError(res, 400, 'invalid_request_error', `${ERROR_TEXT[2013]} (2013)`, rid, {}, baseResp(2013, ERROR_TEXT[2013]));
      return;
    }
    const invalid = invalidParams(body) ?? strictCheck(opts, rec, refused);
    if (invalid) {
      sendError(res, 400, 'invalid_request_error', `invalid params, ${invalid} (2013)`, rid, {}, baseResp(2013, `invalid params, ${invalid}`));
      return;
    }
    const reply = await script.next({ body, request: rec, index: count++, lastUserText: lastUserText(body) });
    await answer(res, body, reply, rid, opts);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `fake-minimax: ${String(err)}`, newRequestId());
      else res.destroy();
    });
  });
  const origin = await listenLocal(server);
  return {
    url: origin + basePath,
    origin,
    requests,
    refused,
    setScript: (s) => script.set(s),
    enqueue: (...r) => script.enqueue(...r),
    messageBodies: () =>
      requests.filter((r) => r.method === 'POST' && r.pathname === messagesPath).map((r) => r.json as MessagesBody),
    close: () => closeServer(server),
  };
}

/**
 * What MiniMax refuses as invalid params (2013): a temperature outside (0, 1] (its docs) and tool results
 * that do not answer the tool calls just before them (reported as "tool call result does not follow tool
 * call (2013)", github.com/anomalyco/opencode/issues/32608, read 2026-12-01).
 */
export function invalidParams(body: MessagesBody): string | undefined {
  const t = body.temperature;
  if (t !== undefined && (typeof t !== 'number' || t <= 0 || t > 1)) return 'temperature must be in (0, 1]';
  return checkToolPairing(body.messages) ? 'tool call result does not follow tool call' : undefined;
}

function baseResp(code: number, msg = ''): { base_resp: { status_code: number; status_msg: string } } {
  return { base_resp: { status_code: code, status_msg: msg } };
}

async function answer(
  res: ServerResponse,
  body: MessagesBody,
  reply: ScriptedReply,
  rid: string,
  opts: FakeMiniMaxOptions,
): Promise<void> {
  const headers = { 'request-id': rid };
  if (reply.error) {
    const e = reply.error;
    const code = /\((\d+)\)\s*$/.exec(e.message)?.[1];
    sendError(res, e.status, e.type, e.message, rid, e.headers, baseResp(Number(code ?? 1000), e.message));
    return;
  }
  const userText = lastUserText(body);
  const thinking = reply.thinking !== undefined ? reply.thinking : `MiniMax thinking about: ${userText}`;
  const text = reply.text ?? `echo: ${userText}`;
  const blocks: ReplyBlock[] = [];
  if (thinking !== null) {
    const streamedThinking = thinking + '\n'.repeat(opts.trailingNewlines ?? 0);
    blocks.push({ type: 'thinking', thinking, streamedThinking, signature: minimaxSignature(thinking), signatureInStart: false });
  }
  if (text !== '') blocks.push({ type: 'text', text });
  if (reply.toolUse) {
    const t = reply.toolUse;
    blocks.push({ type: 'tool_use', id: t.id ?? `call_function_${randomBytes(6).toString('hex')}_1`, name: t.name, input: t.input });
  }
  const u = reply.usage ?? {};
  const usage = {
    input_tokens: u.input_tokens ?? estimateTokens(body.messages),
    output_tokens: u.output_tokens ?? estimateTokens(blocks),
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
  };
  const model = reply.model ?? (MINIMAX_MODELS.includes(body.model) ? body.model : (opts.model ?? 'MiniMax-M2.7'));
  const stopReason = reply.stopReason ?? (reply.toolUse ? 'tool_use' : 'end_turn');
  const base = { id: randomBytes(16).toString('hex'), type: 'message', role: 'assistant', model };
  if (body.stream !== true) {
    const msg = { ...base, content: jsonBlocks(blocks), stop_reason: stopReason, stop_sequence: null, usage, ...baseResp(0) };
    sendJson(res, 200, msg, headers);
    return;
  }
  const start = { ...base, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } };
  const control = reply.stream ?? opts.stream ?? {};
  await writeSse(res, buildStreamEvents(start, blocks, usage, stopReason, control), control, headers);
}
