/**
 * Non-streaming answers: read whole (decoded, bounded in size and by the idle timeout), given to the stages,
 * and sent whole; or, in an encoding the gateway cannot read, forwarded byte for byte.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import { runBody } from '../pipeline/run-stages.js';
import type { BufferedBody, ResponseStage } from '../pipeline/stage.js';
import type { CompiledUpstream } from '../plan/types.js';
import { translateBuffered } from '../protocols/buffered.js';
import { headFor, type StreamOutcome } from './response-pipe.js';

/**
 * Reads the decoded body. Rejects with a GatewayError when the upstream goes silent for its idle timeout
 * (504), closes before the end or sends undecodable bytes (502), or sends more than `limits.body` (502).
 */
export function readAnswer(upstreamRes: IncomingMessage, source: Readable, upstream: CompiledUpstream): Promise<Buffer> {
  const { name } = upstream;
  const { idleMs } = upstream.timeouts;
  const max = upstream.limits.bodyBytes;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (error: GatewayError): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      upstreamRes.destroy();
      if (source !== upstreamRes) source.destroy();
      reject(error);
    };
    const idle = setTimeout(() => fail(new GatewayError('upstream_timeout', `upstream "${name}" sent nothing for ${idleMs / 1000}s in the middle of its answer`)), idleMs);
    upstreamRes.on('data', () => idle.refresh());
    source.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) return fail(new GatewayError('upstream_answer_too_large', `upstream "${name}" sent an answer larger than ${max} bytes (limits.body)`));
      chunks.push(c);
    });
    const cut = (): void => fail(new GatewayError('upstream_stream_broken', `upstream "${name}" closed the connection before the end of its answer`));
    upstreamRes.once('aborted', cut);
    upstreamRes.once('error', cut);
    if (source !== upstreamRes) {
      source.once('error', () => fail(new GatewayError('upstream_stream_broken', `upstream "${name}" sent an answer that could not be decoded (${String(upstreamRes.headers['content-encoding'])})`)));
    }
    source.once('end', () => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  });
}

/** Buffers a non-SSE answer, gives it to the stages, and sends it whole. Rejects as `readAnswer` does, or with a stage's failure. */
export async function sendBuffered(ctx: RequestContext, upstreamRes: IncomingMessage, source: Readable, res: ServerResponse, stages: readonly ResponseStage[], upstream: CompiledUpstream): Promise<StreamOutcome> {
  const raw = await readAnswer(upstreamRes, source, upstream);
  let body: BufferedBody = { status: upstreamRes.statusCode ?? 502, raw, json: parseJson(upstreamRes, raw) };
  // Another protocol's answer is translated here, before any stage sees it.
  if (upstream.protocol) body = translateBuffered(upstream.protocol, body, ctx.requestedModel, upstream.name);
  body = runBody(ctx, stages, body);
  const head = headFor(ctx, upstreamRes, stages);
  head.status = body.status;
  Object.assign(head.headers, body.headers);
  head.headers['content-length'] = String(body.raw.length);
  // The client may be gone, or a drain may have answered for us, while the body was buffered.
  if (res.destroyed || res.headersSent) return 'client_gone';
  res.writeHead(head.status, head.headers);
  res.end(body.raw);
  return 'complete';
}

/**
 * Forwards an answer in an encoding the gateway cannot decode, to a client that accepts it: head and bytes
 * as they came (nothing is read, so no usage is counted). Resolves with how it ended; never rejects.
 */
export function passEncoded(ctx: RequestContext, upstreamRes: IncomingMessage, res: ServerResponse, stages: readonly ResponseStage[], upstream: CompiledUpstream): Promise<StreamOutcome> {
  const head = headFor(ctx, upstreamRes, stages, true);
  const length = upstreamRes.headers['content-length'];
  if (length !== undefined) head.headers['content-length'] = length;
  res.writeHead(head.status, head.headers);
  return new Promise<StreamOutcome>((resolve) => {
    let over = false;
    const end = (outcome: StreamOutcome): void => {
      if (over) return;
      over = true;
      clearTimeout(idle);
      if (outcome !== 'complete') {
        upstreamRes.destroy();
        res.destroy();
      }
      resolve(outcome);
    };
    const idle = setTimeout(() => end('idle'), upstream.timeouts.idleMs);
    upstreamRes.on('data', () => idle.refresh());
    res.on('drain', () => idle.refresh());
    upstreamRes.once('end', () => end('complete'));
    upstreamRes.once('aborted', () => end('broken'));
    upstreamRes.once('error', () => end('broken'));
    res.once('close', () => end(res.writableFinished ? 'complete' : 'client_gone'));
    upstreamRes.pipe(res);
  });
}

function parseJson(res: IncomingMessage, raw: Buffer): unknown {
  if (!String(res.headers['content-type'] ?? '').includes('json') || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
