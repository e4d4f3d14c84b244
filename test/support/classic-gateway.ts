/** Starts the bundled mmexec.yaml in-process against the fake Anthropic and MiniMax upstreams. */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../src/log.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.js';
import { startFakeMiniMax, type FakeMiniMax, type FakeMiniMaxOptions } from './fake-minimax.js';

/** The bundled rule file. */
export const BUNDLED_CONFIG = resolve(fileURLToPath(new URL('../../mmexec.yaml', import.meta.url)));

/** The key the gateway gives MiniMax; the client's Anthropic key must never reach MiniMax. */
export const MINIMAX_KEY = 'mm-secret-key';

/** The fakes, a gateway running the bundled rules, and its MMEXEC_HOME. */
export interface ClassicSetup {
  anthropic: FakeAnthropic;
  minimax: FakeMiniMax;
  gateway: RunningGateway;
  home: string;
  /** The environment the gateway was started with (reused by restart). */
  env: NodeJS.ProcessEnv;
  /** Stops the gateway and starts a new process-like instance with the same home on the same port. */
  restart(): Promise<RunningGateway>;
  close(): Promise<void>;
}

/** Starts both fakes and the bundled gateway with a fresh MMEXEC_HOME (removed on close). */
export async function startClassic(opts: { env?: NodeJS.ProcessEnv; logger?: Logger; minimax?: FakeMiniMaxOptions } = {}): Promise<ClassicSetup> {
  const anthropic = await startFakeAnthropic();
  const minimax = await startFakeMiniMax({ acceptedKeys: [MINIMAX_KEY], ...opts.minimax });
  const home = mkdtempSync(join(tmpdir(), 'mmexec-classic-'));
  const env: NodeJS.ProcessEnv = {
    MMEXEC_HOME: home,
    ANTHROPIC_UPSTREAM_URL: anthropic.url,
    MINIMAX_BASE_URL: minimax.url,
    MINIMAX_API_KEY: MINIMAX_KEY,
    ...opts.env,
  };
  const start = (port = 0): Promise<RunningGateway> =>
    startGateway({ configPath: BUNDLED_CONFIG, env, host: '127.0.0.1', port, silent: opts.logger === undefined, logger: opts.logger });
  const setup: ClassicSetup = {
    anthropic,
    minimax,
    gateway: await start(),
    home,
    env,
    async restart() {
      const port = setup.gateway.port;
      await setup.gateway.close();
      setup.gateway = await start(port);
      return setup.gateway;
    },
    async close() {
      await setup.gateway.close();
      await Promise.all([anthropic.close(), minimax.close()]);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return setup;
}

/** Response of one POST to the gateway. */
export interface Posted {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * POSTs a Messages body to the gateway as Claude Code would (path with ?beta=true, x-api-key, session header).
 * Uses a fresh connection per request, so a gateway restart never meets a pooled socket of the old one.
 */
export function postMessages(url: string, body: unknown, session = 'sess-1', headers: Record<string, string> = {}, path = '/v1/messages?beta=true'): Promise<Posted> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolvePost, reject) => {
    const req = request(`${url}${path}`, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': String(data.length),
        'x-api-key': 'sk-ant-client-key',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'claude-code-20250219,context-management-2025-06-27',
        'x-claude-code-session-id': session,
        ...headers,
      },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolvePost({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(data);
  });
}
