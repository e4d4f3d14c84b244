/**
 * A scrape target for the Prometheus test: a real gateway running the bundled rules against the fake
 * Anthropic and MiniMax, driven by client traffic that touches every panel of the dashboard, or quiet.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reload } from '../../../src/server/lifecycle.js';
import { startGateway } from '../../../src/server/start.js';
import { startFakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeMiniMax } from '../../support/fake-minimax.js';

/** A running target: `hostPort` for the scrape config; `close` stops traffic and the servers. */
export interface MetricsTarget {
  hostPort: string;
  metricsPath: string;
  close(): Promise<void>;
}

const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'sk-client', 'anthropic-version': '2023-06-01' };

/** Starts the fakes and a gateway, then sends a round of traffic every `everyMs` (never, with `quiet`). */
export async function startGatewayTarget(opts: { everyMs?: number; quiet?: boolean } = {}): Promise<MetricsTarget> {
  const everyMs = opts.everyMs ?? 250;
  const anthropic = await startFakeAnthropic({
    replies: (call) => (call.lastUserText === 'fail please' ? { error: { status: 500, type: 'api_error', message: 'Internal server error' } } : { usage: { input_tokens: 1200, output_tokens: 300, cache_read_input_tokens: 5000, ephemeral_1h_input_tokens: 800 } }),
  });
  const minimax = await startFakeMiniMax({ replies: { usage: { input_tokens: 900, output_tokens: 250 } } });
  const home = mkdtempSync(join(tmpdir(), 'mmexec-prom-'));
  const env = { ANTHROPIC_UPSTREAM_URL: anthropic.url, MINIMAX_BASE_URL: minimax.url, MINIMAX_API_KEY: 'mm-key', MMEXEC_HOME: home };
  const running = await startGateway({ configPath: 'mmexec.yaml', env, port: 0, host: '127.0.0.1', silent: true });
  if (!opts.quiet) reload(running, 'mmexec.yaml');
  let round = 0;
  const send = (body: unknown, session: string): Promise<unknown> =>
    fetch(`${running.url}/v1/messages?beta=true`, { method: 'POST', headers: { ...HEADERS, 'x-claude-code-session-id': session }, body: JSON.stringify(body) }).then((r) => r.text());
  const turn = (text: string, history: unknown[] = [], stream = true): Record<string, unknown> => ({
    model: 'claude-opus-4-8',
    max_tokens: 1000,
    stream,
    messages: [...history, { role: 'user', content: [{ type: 'text', text }] }],
  });
  const thought = 'MiniMax considered the task.';
  const minimaxHistory = [
    { role: 'user', content: 'earlier' },
    { role: 'assistant', content: [{ type: 'thinking', thinking: thought, signature: createHash('sha256').update(thought).digest('hex') }, { type: 'text', text: 'done' }] },
  ];
  const trafficRound = async (): Promise<void> => {
    const s = `prom-${round++}`;
    await send(turn('plain question'), s);
    await send(turn('mmexec do the task'), s);
    await send(turn('keep going', [], false), s);
    await send(turn('mmrelease back to opus', minimaxHistory), s);
    await send(turn('fail please'), s);
    await send(turn('mmstatus'), s);
  };
  if (!opts.quiet) await trafficRound();
  let stopped = false;
  let inflight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (!stopped && !opts.quiet) inflight = trafficRound().catch(() => undefined);
  }, everyMs);
  return {
    hostPort: running.url.replace('http://', ''),
    metricsPath: '/metrics',
    close: async () => {
      stopped = true;
      clearInterval(timer);
      await inflight;
      await running.close();
      await anthropic.close();
      await minimax.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
