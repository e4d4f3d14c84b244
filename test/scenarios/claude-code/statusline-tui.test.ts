/**
 * `mmexec claude` in Claude Code's full-screen interface (tmux): the mmexec status line appears under the
 * prompt and follows the session to MiniMax (`mmexec <task>`) and back (`mmrelease <task>`).
 *
 * The gateway runs the bundled mmexec.yaml against the fake Anthropic and MiniMax upstreams. Set
 * MMEXEC_TUI_CAPTURE_DIR to keep the screens (docs/statusline.png is rendered from them with
 * scripts/render-screen.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSessionRecord } from '../../../src/cli/statusline-text.js';
import { startClassic, type ClassicSetup } from '../../support/classic-gateway.js';
import { claudeRelease, releaseSkip } from '../../support/claude-releases.js';
import { startPane, tmuxSkip, type TmuxPane } from './tmux.js';

const release = claudeRelease('2.1.332');
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KEY = 'sk-ant-test-key-tui-0123456789abcdef';
const skip = tmuxSkip() || releaseSkip(release);

/** The status line: the row below the prompt box that mmexec statusline printed. */
function statusRow(screen: string): string | undefined {
  return screen
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^mmexec: |· cache \d+%/.test(l));
}

/** A HOME where Claude Code starts without onboarding, trust or API-key prompts. */
function preparedHome(dir: string, project: string): string {
  const home = join(dir, 'home');
  mkdirSync(project, { recursive: true });
  const config = {
    hasCompletedOnboarding: true,
    theme: 'dark',
    customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
    projects: { [project]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  };
  writeFileSync(join(home, '.claude.json'), JSON.stringify(config));
  return home;
}

describe(`the mmexec status line in Claude Code ${release.version}`, { skip }, () => {
  let s: ClassicSetup;
  let dir: string;
  let pane: TmuxPane;
  const screens: Record<string, string> = {};

  before(async () => {
    s = await startClassic();
    dir = mkdtempSync(join(tmpdir(), 'mmexec-tui-'));
    const project = join(dir, 'home', 'project');
    const home = preparedHome(dir, project);
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      TMPDIR: dir,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      ANTHROPIC_API_KEY: KEY,
      MMEXEC_HOME: join(dir, 'state'),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost,::1',
    };
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    // env -i: the pane gets only these variables, not the tmux server's.
    pane = startPane(['env', '-i', `--chdir=${project}`, ...vars, process.execPath, join(ROOT, 'bin/mmexec.js'), 'claude', '--url', s.gateway.url, '--claude-bin', release.bin]);
  });
  after(async () => {
    const keep = process.env.MMEXEC_TUI_CAPTURE_DIR;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      for (const [name, text] of Object.entries(screens)) writeFileSync(join(keep, `${name}.txt`), text);
    }
    pane?.kill();
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Types a prompt, waits for the fake's echo of `answered` and for the status line to match `line`. */
  async function ask(name: string, prompt: string, answered: string, line: RegExp): Promise<string> {
    pane.type(prompt, true);
    await pane.waitFor(new RegExp(`echo: ${answered}`), 90_000);
    const screen = await pane.waitFor(new RegExp(`^\\s*${line.source}`, 'm'), 30_000);
    screens[name] = screen;
    return statusRow(screen) ?? '';
  }

  let ledger = false;

  it('shows the status line and asks the gateway for the session id Claude Code sends', async () => {
    screens.start = await pane.waitFor(/^\s*mmexec: /m, 90_000);
    const first = await ask('anthropic', 'hello there', 'hello there', /(claude-\S+ · \$|mmexec: )/);
    const sid = s.anthropic.requests.find((r) => r.headers['x-claude-code-session-id'])?.headers['x-claude-code-session-id'] as string | undefined;
    assert.ok(sid, 'Claude Code sent x-claude-code-session-id, the key the gateway keeps sessions by');
    const answer = await fetch(`${s.gateway.url}/sessions/${sid}`).then(async (r) => (r.ok ? ((await r.json()) as unknown) : undefined));
    ledger = isSessionRecord(answer);
    if (ledger) {
      // The gateway knows the session by that id, and the status line shows it: Claude Code's session_id is the same id.
      assert.equal((answer as { session: string }).session, sid);
      // The line may still be the one printed before the answer; the next refresh shows the session.
      screens.anthropic = await pane.waitFor(/^\s*claude-\S+ · \$\d/m, 30_000);
      assert.match(statusRow(screens.anthropic) ?? first, /^claude-\S+ · \$\d/);
      return;
    }
    // Without the gateway's session ledger, GET /sessions/<id> passes through to the Anthropic fake, which
    // records it: the id the status command asked for is the one Claude Code's requests carry.
    const asked = s.anthropic.requests.filter((r) => r.method === 'GET' && r.pathname.startsWith('/sessions/')).map((r) => decodeURIComponent(r.pathname.slice('/sessions/'.length)));
    assert.ok(asked.length > 0, 'the status line asked the gateway');
    assert.deepEqual([...new Set(asked)], [sid]);
    assert.match(first, /^mmexec: no requests yet/);
  });

  it('follows mmexec <task> to MiniMax and mmrelease <task> back', async (t) => {
    if (!ledger) {
      const why = 'this gateway does not answer GET /sessions/<id> (the session ledger)';
      if (process.env.CI) throw new Error(`CI: ${why}`);
      return t.skip(why);
    }
    const before = statusRow(screens.anthropic ?? '') ?? '';
    const onMiniMax = await ask('minimax', 'mmexec fix the tests', 'fix the tests', /.*(MiniMax-M2\.7|via minimax) · \$/);
    assert.match(onMiniMax, /^(MiniMax-M2\.7|\S+ via minimax) · \$\d+\.\d+/);
    const back = await ask('released', 'mmrelease review it', 'review it', /claude-\S+ · \$/);
    assert.match(back, /^claude-\S+ · \$\d/);
    assert.notEqual(onMiniMax, before, 'the line changed with the session');
  });

  it('exits on /exit and leaves the gateway it did not start running', async () => {
    pane.type('/exit', true);
    const deadline = Date.now() + 30_000;
    while (pane.alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.equal(pane.alive(), false, pane.screen());
    assert.equal((await fetch(`${s.gateway.url}/healthz`)).status, 200);
  });
});
