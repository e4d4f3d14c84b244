/**
 * A gateway in-process in front of loopback upstreams, built from a
 * small rule file, plus raw upstreams whose faults a test scripts directly.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../src/log.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { closeServer, listenLocal } from './free-port.js';

/** One upstream entry of a generated rule file. */
export interface UpstreamSpec {
  url: string;
  /** Extra YAML lines under the upstream (already indented by 4 spaces). */
  extra?: string[];
}

/** Builds a rule file: the given upstreams, memory state, and either the given routes or one default route. */
export function ruleFile(upstreams: Record<string, UpstreamSpec>, opts: { routes?: string[]; server?: string[] } = {}): string {
  const lines = ['version: 1', 'server:', '  host: 127.0.0.1', ...(opts.server ?? []).map((l) => `  ${l}`), 'state:', '  store: memory', 'upstreams:'];
  for (const [name, u] of Object.entries(upstreams)) lines.push(`  ${name}:`, `    url: ${u.url}`, ...(u.extra ?? []).map((l) => `    ${l}`));
  lines.push('routes:', ...(opts.routes ?? [`  - name: default`, `    upstream: ${Object.keys(upstreams)[0]}`]));
  return `${lines.join('\n')}\n`;
}

/** Captured log lines of a gateway started with `captureLogs`. */
export interface LogCapture {
  logger: Logger;
  lines: string[];
}

/** A JSON logger at debug level whose lines are kept in memory. */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, next) {
      lines.push(chunk.toString('utf8'));
      next();
    },
  });
  const logger = winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream: sink })] });
  return { logger, lines };
}

/** Writes rule file text to a fresh temp file and returns its path. */
export function writeRuleFile(configText: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-rel-'));
  const path = join(dir, 'mmexec.yaml');
  writeFileSync(path, configText);
  return path;
}

/** Starts a gateway on a random loopback port from rule file text (written to a temp file). */
export function gatewayFor(configText: string, opts: { env?: NodeJS.ProcessEnv; logger?: Logger } = {}): Promise<RunningGateway> {
  return startGateway({ configPath: writeRuleFile(configText), env: opts.env ?? {}, port: 0, silent: !opts.logger, logger: opts.logger });
}

/** A raw upstream whose handler a test sets per case; counts requests and open sockets. */
export interface RawUpstream {
  url: string;
  server: Server;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  requests: number;
  close(): Promise<void>;
}

/** Starts a raw upstream on a random loopback port. */
export async function rawUpstream(handler: RawUpstream['handler'] = (_q, s) => s.end()): Promise<RawUpstream> {
  const up: RawUpstream = {
    url: '',
    server: createServer((req, res) => {
      up.requests++;
      up.handler(req, res);
    }),
    handler,
    requests: 0,
    close: () => closeServer(up.server),
  };
  up.url = await listenLocal(up.server);
  return up;
}

/** A minimal valid Messages body. */
export function messagesBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }], ...extra };
}

/** The result of a raw HTTP call. */
export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** Set when the connection failed or closed before the body's natural end. */
  error?: Error;
}

/** Sends one request with node:http (no client-side validation), reading the whole answer. */
export function send(url: string, opts: { method?: string; path?: string; headers?: Record<string, string | number>; body?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve) => {
    const req = request(`${url}${opts.path ?? '/v1/messages'}`, { method: opts.method ?? 'POST', headers: { 'content-type': 'application/json', ...opts.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = (error?: Error): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), error });
      res.once('end', () => done());
      res.once('error', (e) => done(e));
      res.once('aborted', () => done(new Error('aborted')));
    });
    req.once('error', (e) => resolve({ status: 0, headers: {}, body: '', error: e }));
    req.end(opts.body);
  });
}

/** Parses an Anthropic error body, failing loudly when it is not one. */
export function errorOf(body: string): { type: string; message: string } {
  const j = JSON.parse(body) as { type?: string; error?: { type: string; message: string } };
  if (j.type !== 'error' || !j.error) throw new Error(`not an Anthropic error body: ${body.slice(0, 200)}`);
  return j.error;
}

/** Resolves once `emitter` emits `event`, or rejects after `ms`. */
export function eventWithin<T = unknown>(wait: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([wait, new Promise<T>((_r, reject) => (t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]).finally(() => clearTimeout(t));
}

/** SSE text of an Anthropic stream with one text block. */
export function sseMessage(text = 'hi', model = 'claude-opus-4-8'): string[] {
  const ev = (event: string, data: object): string => `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
  return [
    ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    ev('content_block_stop', { index: 0 }),
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }),
    ev('message_stop', {}),
  ];
}

/** Sums the samples of a metric whose labels include `labels`, read from the gateway's own registry. */
export async function metricValue(gw: RunningGateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = gw.gateway.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want)).reduce((sum, v) => sum + v.value, 0);
}

/** The request log lines (one per request, parsed) captured so far. */
export function requestLines(logs: LogCapture): Record<string, unknown>[] {
  return logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((j) => typeof j.request_id === 'string' && 'duration_ms' in j);
}

/** Waits (up to 5 s) for the request log line after the first `seen` ones, and returns it. */
export async function requestLogAfter(logs: LogCapture, seen: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = requestLines(logs);
    if (lines.length > seen) return lines[seen]!;
    if (Date.now() > deadline) throw new Error('no request log line was written');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves when `socket` closes, however it closes (a reset is an error event, and still a close). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
