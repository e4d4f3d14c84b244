/** Starts an in-process gateway from rule text written to a temp directory (so includes and state work). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../src/server/start.js';

/** A running test gateway and its temp directory. */
export interface TestGateway extends RunningGateway {
  dir: string;
  configPath: string;
}

/** Writes `yaml` (plus `files`, relative to the temp dir) and starts a silent gateway on a free port. */
export async function startTestGateway(yaml: string, opts: { env?: NodeJS.ProcessEnv; files?: Record<string, string>; dir?: string } = {}): Promise<TestGateway> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mmexec-test-'));
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text);
  const configPath = join(dir, 'mmexec.yaml');
  writeFileSync(configPath, yaml);
  const running = await startGateway({ configPath, env: { MMEXEC_HOME: join(dir, 'home'), ...opts.env }, port: 0, host: '127.0.0.1', silent: true });
  const close = running.close;
  return {
    ...running,
    dir,
    configPath,
    close: async () => {
      await close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs JSON (or raw bytes) to the gateway and returns status, headers and text. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A one-message Messages API body whose last user text is `text`. */
export function userBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'claude-opus-4-8', max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}
