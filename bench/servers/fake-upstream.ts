/**
 * Child process: a fast fake Anthropic/MiniMax upstream on 127.0.0.1 answering `/v1/messages` and
 * `/anthropic/v1/messages` with a fixed JSON message, or SSE when the body has `"stream":true`.
 * Control: GET /__bench/stats, POST /__bench/config {eventGapMs, events, inspect}, POST /__bench/reset.
 */
import http from 'node:http';
import { inspectBody, type BodySummary } from './inspect.js';
import { jsonReply, streamEvent, type Provider } from './sse.js';

interface UpstreamConfig {
  eventGapMs: number;
  events: number;
  inspect: boolean;
}

const config: UpstreamConfig = { eventGapMs: 0, events: 20, inspect: false };
const counts: Record<Provider, number> = { anthropic: 0, minimax: 0 };
let last: BodySummary | undefined;
const replies: Record<Provider, Buffer> = { anthropic: jsonReply('anthropic'), minimax: jsonReply('minimax') };
const STREAM_MARK = Buffer.from('"stream":true');

function providerOf(url: string): Provider | undefined {
  const path = url.split('?', 1)[0];
  if (path === '/v1/messages') return 'anthropic';
  if (path === '/anthropic/v1/messages') return 'minimax';
  return undefined;
}

function sendStream(res: http.ServerResponse, provider: Provider): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_bench' });
  const total = Math.max(6, config.events);
  const gap = config.eventGapMs;
  if (gap <= 0) {
    for (let i = 0; i < total; i++) res.write(streamEvent(provider, i, total));
    res.end();
    return;
  }
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  const start = performance.now();
  const tick = (): void => {
    res.write(streamEvent(provider, index, total));
    index++;
    if (index >= total) {
      res.end();
      return;
    }
    const due = start + index * gap - performance.now();
    timer = setTimeout(tick, Math.max(0, due));
  };
  res.on('close', () => clearTimeout(timer));
  tick();
}

function control(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const path = (req.url ?? '').split('?', 1)[0];
  if (path === '/__bench/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ counts, last, config }));
    return;
  }
  if (path === '/__bench/reset') {
    counts.anthropic = 0;
    counts.minimax = 0;
    last = undefined;
    res.writeHead(204).end();
    return;
  }
  if (path === '/__bench/config') {
    Object.assign(config, JSON.parse(body.toString('utf8')) as Partial<UpstreamConfig>);
    res.writeHead(204).end();
    return;
  }
  res.writeHead(200).end();
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  let streamed = false;
  let tailEnd: Buffer = Buffer.alloc(0);
  req.on('data', (chunk: Buffer) => {
    if (config.inspect || (req.url ?? '').startsWith('/__bench/')) chunks.push(chunk);
    if (!streamed) {
      const seam = Buffer.concat([tailEnd, chunk.subarray(0, STREAM_MARK.length)]);
      if (seam.includes(STREAM_MARK) || chunk.includes(STREAM_MARK)) streamed = true;
      tailEnd = Buffer.from(chunk.subarray(Math.max(0, chunk.length - STREAM_MARK.length)));
    }
  });
  req.on('end', () => {
    const url = req.url ?? '/';
    const provider = req.method === 'POST' ? providerOf(url) : undefined;
    if (provider === undefined) {
      control(req, res, Buffer.concat(chunks));
      return;
    }
    counts[provider]++;
    if (config.inspect) last = inspectBody(provider, url, req.headers, Buffer.concat(chunks));
    if (streamed) {
      sendStream(res, provider);
      return;
    }
    const reply = replies[provider];
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length, 'request-id': 'req_bench' });
    res.end(reply);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
