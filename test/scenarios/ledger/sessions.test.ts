/** The per-session ledger through a real gateway: GET /sessions/<id>, GET /sessions, and `mmexec status --session`. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SessionView } from '../../../src/ledger/session-view.js';
import type { StatusReport } from '../../../src/server/status.js';
import { postMessages, startClassic, type ClassicSetup } from '../../support/classic-gateway.js';

const TOKEN = 'ledger-token';
const auth = { authorization: `Bearer ${TOKEN}` };

async function getJson(url: string, headers: Record<string, string> = auth): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { headers });
  return { status: res.status, json: await res.json() };
}

/** Polls until the session's ledger shows `requests` requests (the ledger is written after the answer). */
async function sessionAfter(url: string, id: string, requests: number): Promise<SessionView> {
  for (let i = 0; i < 200; i++) {
    const r = await getJson(`${url}/sessions/${id}`);
    if (r.status === 200 && (r.json as SessionView).requests >= requests) return r.json as SessionView;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.fail(`session ${id} never reached ${requests} requests`);
}

const body = (text: string): Record<string, unknown> => ({ model: 'claude-opus-4-8', max_tokens: 100, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

describe('session ledger', () => {
  let s: ClassicSetup;
  before(async () => {
    s = await startClassic({ env: { MMEXEC_METRICS_TOKEN: TOKEN } });
    s.anthropic.setScript((call) =>
      call.lastUserText === 'fail please'
        ? { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } }
        : { usage: { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 800, ephemeral_5m_input_tokens: 100 } },
    );
    s.minimax.setScript({ usage: { input_tokens: 300, output_tokens: 40, cache_read_input_tokens: 100 } });
  });
  after(() => s.close());

  it('answers the fixed shape with the route, upstream, tokens, cost and savings the metrics counted', async () => {
    const url = s.gateway.url;
    assert.equal((await postMessages(url, body('plain question'), 'sess-shape')).status, 200);
    assert.equal((await postMessages(url, body('mmexec do the task'), 'sess-shape')).status, 200);
    const view = await sessionAfter(url, 'sess-shape', 2);
    assert.deepEqual(Object.keys(view), ['session', 'route', 'upstream', 'provider', 'model', 'requests', 'tokens', 'cost_usd', 'saved_usd', 'cache_read_ratio', 'last_error', 'updated_at']);
    assert.deepEqual(Object.keys(view.tokens), ['input', 'output', 'cache_read', 'cache_write']);
    assert.equal(view.session, 'sess-shape');
    assert.equal(view.upstream, 'minimax');
    assert.equal(view.provider, 'minimax-m2');
    assert.equal(view.model, 'MiniMax-M2.7');
    assert.notEqual(view.route, 'none');
    assert.deepEqual(view.tokens, { input: 400, output: 90, cache_read: 900, cache_write: 100 });
    assert.equal(view.cache_read_ratio, Number((900 / 1400).toFixed(4)));
    assert.equal(view.last_error, null);
    assert.ok(Math.abs(Date.parse(view.updated_at) - Date.now()) < 60_000, view.updated_at);
    // The only traffic so far: the ledger's sums equal what /status (the metrics registry) counted.
    const status = (await getJson(`${url}/status`)).json as StatusReport;
    assert.ok(view.cost_usd > 0 && view.saved_usd > 0);
    assert.equal(view.cost_usd, Number(status.cost_usd.toFixed(6)));
    assert.equal(view.saved_usd, Number(status.savings_usd.toFixed(6)));
  });

  it('keeps the last error with its status, type and time, and the current upstream', async () => {
    const url = s.gateway.url;
    assert.equal((await postMessages(url, body('fail please'), 'sess-error')).status, 529);
    const view = await sessionAfter(url, 'sess-error', 1);
    assert.equal(view.last_error?.status, 529);
    assert.equal(view.last_error?.type, 'overloaded_error');
    assert.ok(!Number.isNaN(Date.parse(view.last_error?.at ?? '')));
    assert.equal(view.upstream, 'anthropic');
    assert.equal(view.model, 'unknown', 'no model has answered this session');
  });

  it('does not count a teapot reply (mmstatus, mmexec, mmrelease) as the last error', async () => {
    const url = s.gateway.url;
    assert.equal((await postMessages(url, body('mmstatus'), 'sess-teapot')).status, 418);
    const view = await sessionAfter(url, 'sess-teapot', 1);
    assert.equal(view.last_error, null, 'a reply the rules chose is an answer, not a failure');
  });

  it('answers 404 in Anthropic format for an unknown session and 401 without the token', async () => {
    const url = s.gateway.url;
    const missing = await getJson(`${url}/sessions/never-seen`);
    assert.equal(missing.status, 404);
    assert.equal((missing.json as { type: string }).type, 'error');
    assert.equal((missing.json as { error: { type: string } }).error.type, 'not_found_error');
    assert.equal((await getJson(`${url}/sessions/a~b`)).status, 404);
    const denied = await getJson(`${url}/sessions/sess-shape`, {});
    assert.equal(denied.status, 401);
    assert.equal((denied.json as { error: { type: string } }).error.type, 'authentication_error');
    assert.equal((await getJson(`${url}/sessions`, {})).status, 401);
  });

  it('lists recent sessions, newest first', async () => {
    const url = s.gateway.url;
    assert.equal((await postMessages(url, body('plain question'), 'sess-newest')).status, 200);
    await sessionAfter(url, 'sess-newest', 1);
    const list = (await getJson(`${url}/sessions?limit=2`)).json as { sessions: SessionView[] };
    assert.equal(list.sessions.length, 2);
    assert.equal(list.sessions[0]!.session, 'sess-newest');
  });

  it('is printed by mmexec status --session, and a missing session exits 1', async () => {
    // Not spawnSync: the gateway answering the CLI runs in this process.
    const run = (...args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'mmexec.js'), 'status', '--url', s.gateway.url, '--token', TOKEN, ...args]);
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const text = await run('--session', 'sess-shape');
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /upstream\s+minimax \(provider minimax-m2\)/);
    assert.match(text.out, /tokens\s+input 400, output 90, cache read 900, cache write 100/);
    const json = await run('--session', 'sess-shape', '--json');
    assert.equal((JSON.parse(json.out) as SessionView).requests, 2);
    const missing = await run('--session', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no session "nope"/);
  });
});
