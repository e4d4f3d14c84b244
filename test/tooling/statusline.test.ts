import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { commandHelp, parseCommandArgs } from '../../src/cli/command.js';
import { statuslineCommand, statusLineFor } from '../../src/cli/commands/statusline.js';
import { dollars, sessionLine, type SessionRecord } from '../../src/cli/statusline-text.js';
import { closeServer, freePort, listenLocal } from '../support/free-port.js';
import { runCli } from '../support/run-cli.js';

const TOKEN = 'ledger-token';

/** A session record in the shape `GET /sessions/<id>` answers. */
function record(over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    session: 's-1',
    route: 'sticky-minimax',
    upstream: 'minimax',
    provider: 'minimax',
    model: 'MiniMax-M2.7',
    requests: 4,
    tokens: { input: 1200, output: 300, cache_read: 16000, cache_write: 0 },
    cost_usd: 0.2149,
    saved_usd: 0.41,
    cache_read_ratio: 0.93,
    last_error: null,
    updated_at: '2026-12-02T01:00:00.000Z',
    ...over,
  };
}

/** A tiny stand-in for the gateway's session ledger, answering the documented shapes. */
function fakeLedger(seen: string[]): Server {
  return createServer((req, res) => {
    seen.push(req.url ?? '');
    const id = decodeURIComponent(/^\/sessions\/(.+)$/.exec(req.url ?? '')?.[1] ?? '');
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { type: 'error', error: { type: 'authentication_error', message: 'needs a token' } });
    if (id === 'slow') return void setTimeout(() => json(200, record({ session: id })), 2000);
    if (id === 'garbled') return void res.end('<html>');
    if (id === 'odd') return json(200, { hello: 'world' });
    if (id === 'boom') return json(500, { type: 'error', error: { type: 'api_error', message: 'x' } });
    if (id === 's-1') return json(200, record());
    if (id === 'a b/c') return json(200, record({ session: id, model: 'claude-opus-4-8', provider: 'anthropic', saved_usd: 0, cost_usd: 1.5, cache_read_ratio: 0.5 }));
    if (id === 'restored') return json(200, record({ session: id, model: 'claude-opus-4-8' }));
    if (id === 'replies-only') return json(200, record({ session: id, route: 'switch-to-minimax', upstream: 'none', provider: 'none', model: 'unknown', requests: 1, cost_usd: 0, saved_usd: 0, cache_read_ratio: 0 }));
    if (id === 'profiled') return json(200, record({ session: id, provider: 'minimax-m2', model: 'MiniMax-M2.7' }));
    if (id === 'failing') return json(200, record({ session: id, last_error: { status: 529, type: 'overloaded_error', at: '2026-12-02T01:00:00.000Z' } }));
    if (id === 'recovered') return json(200, record({ session: id, last_error: { status: 529, type: 'overloaded_error', at: '2026-12-02T00:59:00.000Z' } }));
    json(404, { type: 'error', error: { type: 'not_found_error', message: `no session ${id}` } });
  });
}

const input = (session?: string, model = 'Opus 4.8'): string => JSON.stringify({ session_id: session, model: { id: 'claude-opus-4-8', display_name: model }, cost: { total_cost_usd: 0.5 }, workspace: { current_dir: '/tmp/x' } });

describe('mmexec statusline', () => {
  const seen: string[] = [];
  let server: Server;
  let url: string;
  before(async () => {
    server = fakeLedger(seen);
    url = await listenLocal(server);
  });
  after(() => closeServer(server));

  const cases: Array<{ name: string; session?: string; token?: string; timeout?: number; line: string }> = [
    { name: 'prints model, cost, savings and cache reads of a known session', session: 's-1', line: 'MiniMax-M2.7 · $0.21 (saved $0.41) · cache 93%' },
    { name: 'leaves out the savings when there are none and encodes the id in the path', session: 'a b/c', line: 'claude-opus-4-8 · $1.50 · cache 50%' },
    { name: 'names the provider when the model does not', session: 'restored', line: 'claude-opus-4-8 via minimax · $0.21 (saved $0.41) · cache 93%' },
    { name: 'says a session answered only locally has no requests yet', session: 'replies-only', line: 'mmexec: no requests yet · Opus 4.8' },
    { name: 'leaves out the upstream when the model names its provider', session: 'profiled', line: 'MiniMax-M2.7 · $0.21 (saved $0.41) · cache 93%' },
    { name: 'says when the last request failed', session: 'failing', line: 'MiniMax-M2.7 · $0.21 (saved $0.41) · cache 93% · last request failed: 529 overloaded_error' },
    { name: 'leaves out an error older than the last request', session: 'recovered', line: 'MiniMax-M2.7 · $0.21 (saved $0.41) · cache 93%' },
    { name: 'says a session without requests has none yet', session: 'new-one', line: 'mmexec: no requests yet · Opus 4.8' },
    { name: 'says the gateway needs a token', session: 's-1', token: '', line: 'mmexec: gateway needs a token (set MMEXEC_METRICS_TOKEN)' },
    { name: 'gives up on a slow gateway within the timeout', session: 'slow', timeout: 200, line: 'mmexec: gateway not answering' },
    { name: 'says an answer that is not JSON is unexpected', session: 'garbled', line: 'mmexec: unexpected answer from the gateway' },
    { name: 'says an answer of another shape is unexpected', session: 'odd', line: 'mmexec: unexpected answer from the gateway' },
    { name: 'names a failing status', session: 'boom', line: 'mmexec: gateway answered 500' },
    { name: 'says when Claude Code sent no session id', line: 'mmexec: no session id from Claude Code' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      assert.equal(await statusLineFor(input(c.session), url, c.token ?? TOKEN, c.timeout ?? 1000), c.line);
    });
  }

  it('asks GET /sessions/<session_id> with the id percent-encoded', async () => {
    await statusLineFor(input('a b/c'), url, TOKEN, 1000);
    assert.equal(seen.at(-1), '/sessions/a%20b%2Fc');
  });

  it('says the gateway is not running when nothing listens', async () => {
    const port = await freePort();
    assert.equal(await statusLineFor(input('s-1'), `http://127.0.0.1:${port}`, undefined, 300), 'mmexec: gateway not running');
  });

  it('treats status input that is not JSON as having no session', async () => {
    assert.equal(await statusLineFor('not json', url, TOKEN, 300), 'mmexec: no session id from Claude Code');
  });

  it('describes its options in --help and refuses a bad timeout', () => {
    const help = commandHelp(statuslineCommand);
    for (const o of ['--url URL', '--token TOKEN', '--timeout MS']) assert.match(help, new RegExp(`^  ${o}  +\\S`, 'm'));
    assert.match(help, /^Exit codes: 0 /m);
    assert.throws(() => parseCommandArgs(statuslineCommand, ['--timeout', 'soon']), /invalid value "soon" for --timeout: expected milliseconds/);
    assert.throws(() => parseCommandArgs(statuslineCommand, ['extra']), /unexpected argument "extra": mmexec statusline takes no arguments/);
  });

  it('shows costs under a cent with four decimals', () => {
    assert.deepEqual([dollars(0), dollars(0.0042), dollars(0.01), dollars(12.345)], ['$0.00', '$0.0042', '$0.01', '$12.35']);
    assert.equal(sessionLine(record({ cache_read_ratio: 1.7 })).endsWith('cache 100%'), true);
  });

  it('reads stdin, takes the token from MMEXEC_METRICS_TOKEN and the URL from MMEXEC_URL, and exits 0', async () => {
    const r = await runCli(['statusline'], { input: input('s-1'), env: { MMEXEC_URL: url, MMEXEC_METRICS_TOKEN: TOKEN } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'MiniMax-M2.7 · $0.21 (saved $0.41) · cache 93%\n', '']);
  });

  it('prints one short line and exits 0 when the gateway is down', async () => {
    const port = await freePort();
    const r = await runCli(['statusline', '--url', `http://127.0.0.1:${port}`, '--token', TOKEN], { input: input('s-1') });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'mmexec: gateway not running\n', '']);
  });
});
