/**
 * Team gateway test harness: fake Anthropic and MiniMax, a rule file in a temp dir, one or two in-process
 * gateway replicas on it (sharing a real Redis when the config says so), captured logs and metric reading.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import winston from 'winston';
import type { Logger } from '../../src/log.js';
import { startGateway, type RunningGateway } from '../../src/server/start.js';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.js';
import { startFakeMiniMax, type FakeMiniMax } from './fake-minimax.js';
import { post, userBody } from './gateway.js';

export { post, userBody };

/** The classic rules, included by the test configs. */
export const CLASSIC_RULES = resolve(fileURLToPath(new URL('../../rules/classic.yaml', import.meta.url)));
/** The example team config. */
export const TEAM_EXAMPLE = resolve(fileURLToPath(new URL('../../examples/team/mmexec.yaml', import.meta.url)));

/** Client keys used by the tests (long enough for the 16-character minimum). */
export const KEYS = { frontend: 'fe-key-0123456789abcdef', backend: 'be-key-0123456789abcdef', ops: 'ops-key-0123456789abcdef', qa: 'qa-key-0123456789abcdef' } as const;
export const MINIMAX_KEY = 'mm-gateway-key';
export const METRICS_TOKEN = 'metrics-token-123';

/** One captured log entry, tagged with the replica that wrote it. */
export type LogEntry = Record<string, unknown> & { level: string; message: string; replica: string };

/** A winston logger that keeps every entry in `entries`. */
export function captureLogger(replica: string, entries: LogEntry[]): Logger {
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _enc, cb) {
      entries.push({ ...info, replica } as LogEntry);
      cb();
    },
  });
  return winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] });
}

/** Everything a team test runs against. */
export interface TeamSetup {
  anthropic: FakeAnthropic;
  minimax: FakeMiniMax;
  /** Replicas in start order (a, b, ...). */
  replicas: RunningGateway[];
  logs: LogEntry[];
  dir: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Options of startTeam. */
export interface TeamOptions {
  /** Config text written to <dir>/mmexec.yaml; default: the example team config. */
  yaml?: string;
  replicas?: number;
  env?: NodeJS.ProcessEnv;
}

/** Starts the fakes and `replicas` gateways (default 2) on one config file. */
export async function startTeam(opts: TeamOptions = {}): Promise<TeamSetup> {
  const anthropic = await startFakeAnthropic();
  const minimax = await startFakeMiniMax({ acceptedKeys: [MINIMAX_KEY] });
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-team-'));
  const configPath = opts.yaml === undefined ? TEAM_EXAMPLE : join(dir, 'mmexec.yaml');
  if (opts.yaml !== undefined) writeFileSync(configPath, opts.yaml);
  const env: NodeJS.ProcessEnv = {
    MMEXEC_HOME: join(dir, 'home'),
    ANTHROPIC_UPSTREAM_URL: anthropic.url,
    MINIMAX_BASE_URL: minimax.url,
    MINIMAX_API_KEY: MINIMAX_KEY,
    MMEXEC_KEY_FRONTEND: KEYS.frontend,
    MMEXEC_KEY_BACKEND: KEYS.backend,
    MMEXEC_KEY_OPS: KEYS.ops,
    MMEXEC_KEY_QA: KEYS.qa,
    MMEXEC_METRICS_TOKEN: METRICS_TOKEN,
    ...opts.env,
  };
  const logs: LogEntry[] = [];
  const replicas: RunningGateway[] = [];
  const setup: TeamSetup = {
    anthropic,
    minimax,
    replicas,
    logs,
    dir,
    configPath,
    env,
    async close() {
      await Promise.all(replicas.map((r) => r.close()));
      await Promise.all([anthropic.close(), minimax.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < (opts.replicas ?? 2); i++) {
      const name = String.fromCharCode(97 + i);
      replicas.push(await startGateway({ configPath, env, host: '127.0.0.1', port: 0, logger: captureLogger(name, logs) }));
    }
  } catch (err) {
    await setup.close();
    throw err;
  }
  return setup;
}

/** Headers of a Claude Code-like request from a client with its own Anthropic key. */
export function clientHeaders(client: keyof typeof KEYS | undefined, session?: string): Record<string, string> {
  const h: Record<string, string> = { 'x-api-key': 'sk-ant-own-key', 'anthropic-version': '2023-06-01' };
  if (client) h['x-mmexec-key'] = KEYS[client];
  if (session) h['x-claude-code-session-id'] = session;
  return h;
}

/** Sends a Messages request to a replica. */
export function ask(gw: RunningGateway, text: string, headers: Record<string, string>, extra: Record<string, unknown> = {}): ReturnType<typeof post> {
  return post(`${gw.url}/v1/messages?beta=true`, userBody(text, extra), headers);
}

/** Sums the samples of a metric whose labels include `labels`, from a replica's /metrics. */
export async function metric(gw: RunningGateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** The error message of an Anthropic-shaped error body. */
export function errorMessage(json: unknown): string {
  return String((json as { error?: { message?: string } } | undefined)?.error?.message ?? '');
}

/** Polls `check` until it holds (for effects that happen after a response was sent); fails after 5 s. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The example team config with its include made absolute (so it works from a temp dir) and `edits` applied. */
export function exampleYaml(edits: Array<[string, string]> = []): string {
  let text = readFileSync(TEAM_EXAMPLE, 'utf8').replace('../../rules/classic.yaml', CLASSIC_RULES);
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the example config has no "${from}"`);
    text = text.replace(from, to);
  }
  return text;
}

/** Fetches /healthz of a replica. */
export async function health(gw: RunningGateway): Promise<{ status: string; state_store_status: string }> {
  return (await (await fetch(`${gw.url}/healthz`)).json()) as { status: string; state_store_status: string };
}
