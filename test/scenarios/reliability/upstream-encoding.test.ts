/**
 * Upstreams that compress although the gateway asks for `identity`: the client still gets a valid answer,
 * usage is counted and restore-model applies; an encoding the gateway cannot decode is forwarded intact to a
 * client that accepts it, and is a 502 for one that does not.
 */
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import type { RunningGateway } from '../../../src/server/start.js';
import { captureLogs, errorOf, gatewayFor, messagesBody, metricValue, rawUpstream, requestLines, requestLogAfter, ruleFile, send, sseMessage, type LogCapture, type RawUpstream } from '../../support/rule-file-gateway.js';

type Compress = (b: Buffer) => Buffer;
type CompressStream = () => zlib.Gzip | zlib.Deflate | zlib.DeflateRaw | zlib.BrotliCompress;

const zstdSync = (zlib as unknown as { zstdCompressSync?: Compress }).zstdCompressSync;
const zstdStream = (zlib as unknown as { createZstdCompress?: CompressStream }).createZstdCompress;

/** Each coding the gateway decodes: header value, one-shot compressor, streaming compressor. */
const CODINGS: [name: string, header: string, whole: Compress, stream: CompressStream][] = [
  ['gzip', 'gzip', zlib.gzipSync, () => zlib.createGzip()],
  ['deflate (zlib-wrapped)', 'deflate', zlib.deflateSync, () => zlib.createDeflate()],
  ['deflate (raw, as some servers send it)', 'deflate', zlib.deflateRawSync, () => zlib.createDeflateRaw()],
  ['br', 'br', zlib.brotliCompressSync, () => zlib.createBrotliCompress()],
  ['gzip then br', 'gzip, br', (b) => zlib.brotliCompressSync(zlib.gzipSync(b)), () => zlib.createGzip()],
  ...(zstdSync && zstdStream ? [['zstd', 'zstd', zstdSync, zstdStream] as [string, string, Compress, CompressStream]] : []),
];

const CLAUDE_CODE_ACCEPT = { 'accept-encoding': 'gzip, deflate, br, zstd' };
const MESSAGE = { id: 'msg_1', type: 'message', role: 'assistant', model: 'MiniMax-M2.7', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 7 } };

let up: RawUpstream;
let gw: RunningGateway;
let logs: LogCapture;

before(async () => {
  up = await rawUpstream();
  logs = captureLogs();
  const extra = ['model: MiniMax-M2.7', 'response: [restore-model]', 'timeouts: { first_byte: 2s, idle: 1s }'];
  gw = await gatewayFor(ruleFile({ up: { url: up.url, extra } }), { logger: logs.logger });
});
after(async () => {
  await gw.close();
  await up.close();
});

/** Sends one request and returns the answer with its request log line. */
async function ask(body: object, headers: Record<string, string> = CLAUDE_CODE_ACCEPT): Promise<{ r: Awaited<ReturnType<typeof send>>; line: Record<string, unknown> }> {
  const seen = requestLines(logs).length;
  const r = await send(gw.url, { body: JSON.stringify(body), headers });
  return { r, line: await requestLogAfter(logs, seen) };
}

describe('compressed upstream answers', () => {
  for (const [name, header, whole] of CODINGS) {
    it(`decodes a ${name} JSON answer: valid JSON for the client, model restored, usage counted`, async () => {
      const packed = whole(Buffer.from(JSON.stringify(MESSAGE)));
      up.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': header, 'content-length': packed.length });
        res.end(packed);
      };
      const { r, line } = await ask(messagesBody());
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-encoding'], undefined, 'the client gets the decoded bytes, not a label for them');
      assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
      const json = JSON.parse(r.body) as typeof MESSAGE;
      assert.equal(json.model, 'claude-opus-4-8', 'restore-model applied');
      assert.deepEqual(json.content, MESSAGE.content);
      assert.equal(line.output_tokens, 7);
      assert.equal(line.model, 'MiniMax-M2.7');
      assert.ok(Number(line.cost_usd) > 0, 'the answer is priced');
    });

    it(`decodes a ${name} event stream flushed event by event`, async () => {
      const events = sseMessage('hi', 'MiniMax-M2.7');
      up.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': header });
        const z = CODINGS.find((c) => c[0] === name)![3]();
        // `gzip then br`: the outer brotli layer compresses the gzip bytes.
        const outer = header === 'gzip, br' ? zlib.createBrotliCompress() : undefined;
        if (outer) z.pipe(outer).pipe(res);
        else z.pipe(res);
        let i = 0;
        const next = (): void => {
          if (i === events.length) return void z.end();
          z.write(events[i++]!);
          z.flush(() => (outer ? outer.flush(() => setTimeout(next, 5)) : setTimeout(next, 5)));
        };
        next();
      };
      const { r, line } = await ask(messagesBody({ stream: true }));
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-encoding'], undefined);
      assert.equal(r.body, sseMessage('hi', 'claude-opus-4-8').join(''), 'every event, decoded, model restored, nothing appended');
      assert.equal(line.output_tokens, 2);
      assert.equal(line.outcome, undefined, 'the stream is complete');
    });
  }

  it('answers 502 api_error for a body labelled gzip that is not gzip', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end('{"plain": "json"}');
    };
    const brokenBefore = await metricValue(gw, 'mmexec_upstream_errors_total', { upstream: 'up', kind: 'stream_broken' });
    const { r } = await ask(messagesBody());
    assert.equal(r.status, 502);
    assert.match(errorOf(r.body).message, /could not be decoded \(gzip\)/);
    assert.equal(await metricValue(gw, 'mmexec_upstream_errors_total', { upstream: 'up', kind: 'stream_broken' }), brokenBefore + 1);
  });

  it('answers 502 api_error for a gzip answer cut before its end', async () => {
    const packed = zlib.gzipSync(Buffer.from(JSON.stringify(MESSAGE)));
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(packed.subarray(0, packed.length - 12));
    };
    const { r } = await ask(messagesBody());
    assert.equal(r.status, 502);
    assert.equal(errorOf(r.body).type, 'api_error');
  });

  it('ends a stream whose compressed bytes turn corrupt with an SSE error event', async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      const z = zlib.createGzip();
      z.on('data', (c: Buffer) => res.write(c));
      z.write(sseMessage()[0]);
      z.flush(() => res.end(Buffer.from('garbage that is not deflate data at all')));
    };
    const { r } = await ask(messagesBody({ stream: true }));
    assert.match(r.body, /^event: message_start\n/);
    assert.match(r.body, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^\n]*could not be decoded/);
    assert.ok(!r.body.includes('message_stop'));
  });

  const UNDECODABLE = 'compress';
  it(`forwards an answer in an encoding it cannot decode (${UNDECODABLE}) intact to a client that accepts it`, async () => {
    const bytes = Buffer.from([0x1f, 0x9d, 0x90, 0x7b, 0x22, 0x00, 0xff, 0x10]);
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': UNDECODABLE, 'content-length': bytes.length });
      res.end(bytes);
    };
    const seen = requestLines(logs).length;
    const r = await sendForBytes({ 'accept-encoding': `gzip, ${UNDECODABLE}` });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], UNDECODABLE);
    assert.deepEqual(r.body, bytes);
    await requestLogAfter(logs, seen);
    assert.ok(logs.lines.some((l) => l.includes('cannot decode') && l.includes(UNDECODABLE)), 'the unread answer is logged');
  });

  it(`answers 502 when the client does not accept the encoding it cannot decode`, async () => {
    up.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': UNDECODABLE });
      res.end(Buffer.from([0x1f, 0x9d, 0x90]));
    };
    const { r } = await ask(messagesBody(), { 'accept-encoding': 'gzip, br' });
    assert.equal(r.status, 502);
    assert.match(errorOf(r.body).message, new RegExp(`${UNDECODABLE} encoding`));
  });

  if (!zstdSync) {
    it('forwards zstd intact where node:zlib has no zstd (Node < 22.15), since Claude Code accepts it', async () => {
      const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x11, 0x00, 0x00, 0x7b, 0x7d]);
      up.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
        res.end(frame);
      };
      const r = await sendForBytes(CLAUDE_CODE_ACCEPT);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-encoding'], 'zstd');
      assert.deepEqual(r.body, frame);
    });
  }
});

/** Sends a Messages request with node:http and returns the answer's bytes as they arrived. */
function sendForBytes(headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(JSON.stringify(messagesBody()));
  });
}
