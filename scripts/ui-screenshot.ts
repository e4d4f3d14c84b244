/**
 * Regenerates docs/ui.png: the team example config (memory store instead of Redis) against the fake
 * upstreams of the tests, a little traffic from two clients, then `chromium --headless --screenshot` of /ui.
 * Run: node --import tsx scripts/ui-screenshot.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startGateway } from '../src/server/start.js';
import { startFakeAnthropic } from '../test/support/fake-anthropic.js';
import { startFakeMiniMax } from '../test/support/fake-minimax.js';

const TOKEN = 'screenshot-token';
const KEYS = { frontend: 'fe-key-0123456789abcdef', backend: 'be-key-0123456789abcdef' };
const dir = mkdtempSync(join(tmpdir(), 'mmexec-shot-'));
const yaml = readFileSync('examples/team/mmexec.yaml', 'utf8')
  .replace('../../rules/classic.yaml', resolve('rules/classic.yaml'))
  .replace(/store: redis.*\n.*url: .*\n/, 'store: memory\n');
writeFileSync(join(dir, 'mmexec.yaml'), yaml);
const anthropic = await startFakeAnthropic({ replies: (call) => (call.lastUserText === 'fail please' ? { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } } : { usage: { input_tokens: 1800, output_tokens: 420, cache_read_input_tokens: 42000, ephemeral_5m_input_tokens: 3000 } }) });
const minimax = await startFakeMiniMax({ acceptedKeys: ['mm-key'], replies: { usage: { input_tokens: 2500, output_tokens: 600, cache_read_input_tokens: 20000 } } });
const env = { ANTHROPIC_UPSTREAM_URL: anthropic.url, MINIMAX_BASE_URL: minimax.url, MINIMAX_API_KEY: 'mm-key', MMEXEC_KEY_FRONTEND: KEYS.frontend, MMEXEC_KEY_BACKEND: KEYS.backend, MMEXEC_KEY_OPS: 'ops-key-0123456789abcdef', MMEXEC_KEY_QA: 'qa-key-0123456789abcdef', MMEXEC_METRICS_TOKEN: TOKEN, MMEXEC_HOME: join(dir, 'home') };
const gw = await startGateway({ configPath: join(dir, 'mmexec.yaml'), env, host: '127.0.0.1', port: 0, silent: true });
try {
  const ask = (client: keyof typeof KEYS, session: string, text: string): Promise<unknown> =>
    fetch(`${gw.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-own', 'x-mmexec-key': KEYS[client], 'x-claude-code-session-id': session },
      body: JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: text }] }),
    }).then((r) => r.text());
  const turns: Array<[keyof typeof KEYS, string, string]> = [
    ['frontend', 'a3f9c2e1-checkout', 'plain question'], ['frontend', 'a3f9c2e1-checkout', 'mmexec refactor the cart'], ['frontend', 'a3f9c2e1-checkout', 'keep going'],
    ['backend', '7d41b0aa-billing', 'why does this test fail'], ['backend', '7d41b0aa-billing', 'fail please'], ['backend', '7d41b0aa-billing', 'try again'],
    ['frontend', 'c09e77d2-docs', 'mmexec write the docs'], ['backend', '5be2f310-migrations', 'review the migration'],
  ];
  for (const [client, session, text] of turns) await ask(client, session, text);
  await new Promise((r) => setTimeout(r, 300)); // the ledger is written after each answer
  const out = resolve('docs/ui.png');
  const args = ['--headless=new', '--disable-gpu', '--hide-scrollbars', '--window-size=1400,1800', `--screenshot=${out}`, `--user-data-dir=${join(dir, 'profile')}`, `${gw.url}/ui?token=${TOKEN}`];
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  // Not spawnSync: the gateway Chromium loads the page from runs in this process.
  const chromium = spawn(process.env.CHROMIUM ?? 'chromium', args, { stdio: ['ignore', 'inherit', 'ignore'] });
  const [code] = (await once(chromium, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`chromium exited with ${code}`);
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await gw.close();
  await anthropic.close();
  await minimax.close();
  rmSync(dir, { recursive: true, force: true });
}
