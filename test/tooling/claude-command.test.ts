import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commandHelp, parseCommandArgs, splitLeadingOptions } from '../../src/cli/command.js';
import { claudeCommand } from '../../src/cli/commands/claude.js';
import { probeGateway } from '../../src/cli/claude-launch/gateway-process.js';
import { claudeEnv } from '../support/claude-cli.js';
import { claudeRelease, releaseSkip } from '../support/claude-releases.js';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic.js';
import { freePort } from '../support/free-port.js';
import { startTestGateway } from '../support/gateway.js';
import { ROOT } from '../support/run-cli.js';

const release = claudeRelease('2.1.332');
const DEAD = 'http://127.0.0.1:9';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `mmexec claude ...args` with exactly `env` (no inherited variables); `onStart` sees the child. */
function mmexecClaude(args: readonly string[], env: Record<string, string>, cwd: string, onStart?: (pid: number) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/mmexec.js'), 'claude', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    if (child.pid !== undefined) onStart?.(child.pid);
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

describe('mmexec claude arguments', () => {
  it('keeps its own leading options and passes everything from the first other argument on', () => {
    const cases: Array<[string[], string[], string[]]> = [
      [['--resume'], [], ['--resume']],
      [['--url', 'http://127.0.0.1:1', '-p', 'hi'], ['--url', 'http://127.0.0.1:1'], ['-p', 'hi']],
      [['--claude-bin=/x/claude', '--continue', '--url', 'u'], ['--claude-bin=/x/claude'], ['--continue', '--url', 'u']],
      [['--config', 'a.yaml', '--', '--config', 'b'], ['--config', 'a.yaml'], ['--config', 'b']],
      [['-p', '--', 'x'], [], ['-p', '--', 'x']],
      [['--help'], ['--help'], []],
    ];
    for (const [argv, own, rest] of cases) assert.deepEqual(splitLeadingOptions(claudeCommand, argv), [own, rest], argv.join(' '));
  });

  it('checks its own options strictly and describes them in --help', () => {
    assert.throws(() => parseCommandArgs(claudeCommand, ['--url', 'not a url', '--resume']), /invalid value "not a url" for --url/);
    assert.throws(() => parseCommandArgs(claudeCommand, ['--url', 'http://127.0.0.1:1', '--url', 'http://127.0.0.1:2']), /option --url is given more than once/);
    assert.deepEqual(parseCommandArgs(claudeCommand, ['--url', 'http://127.0.0.1:1', '-p', '--url', 'x']).positionals, ['-p', '--url', 'x']);
    const help = commandHelp(claudeCommand);
    assert.match(help, /^Usage: mmexec claude \[--config FILE\] \[--url URL\] \[--claude-bin PATH\] \[claude args\.\.\.\]$/m);
    for (const o of ['--config FILE', '--url URL', '--claude-bin PATH']) assert.match(help, new RegExp(`^  ${o}  +\\S`, 'm'));
    assert.match(help, /^Exit codes: 0 /m);
  });
});

describe('mmexec claude with a stand-in program', () => {
  let dir: string;
  let fake: FakeAnthropic;
  let env: Record<string, string>;
  let config: string;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmexec-claude-cmd-'));
    fake = await startFakeAnthropic();
    port = await freePort();
    config = join(dir, 'mmexec.yaml');
    writeFileSync(config, `version: 1\nserver: { host: 127.0.0.1, port: ${port} }\nupstreams:\n  anthropic: { url: ${fake.url}, provider: anthropic }\nroutes:\n  - name: default\n    upstream: anthropic\n`);
    // Prints what it was given, then exits 7, or 42 once SIGTERM arrives when its first argument asks to wait.
    const bin = join(dir, 'stand-in.sh');
    writeFileSync(bin, `#!/bin/sh\nprintf '%s\\n' "$@" > "$OUT"\nprintf '%s\\n' "$ANTHROPIC_BASE_URL" >> "$OUT"\nif [ "$4" = wait ]; then trap 'exit 42' TERM; echo ready >> "$OUT"; while :; do sleep 0.1; done; fi\nexit 7\n`);
    chmodSync(bin, 0o755);
    env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(dir, 'home'), MMEXEC_HOME: join(dir, 'state'), MMEXEC_CLAUDE: bin, OUT: join(dir, 'out.txt'), ANTHROPIC_BASE_URL: DEAD };
    mkdirSync(env.HOME!);
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes every argument on after --settings, points ANTHROPIC_BASE_URL at the gateway and returns the program's exit code", async () => {
    const r = await mmexecClaude(['--config', config, '--resume', 'abc', '--', 'x'], env, dir);
    assert.equal(r.code, 7, r.stderr);
    const [flag, settings, ...rest] = readFileSync(env.OUT!, 'utf8').trimEnd().split('\n');
    assert.equal(flag, '--settings');
    const status = (JSON.parse(settings!) as { statusLine: { type: string; command: string } }).statusLine;
    assert.equal(status.type, 'command');
    assert.match(status.command, new RegExp(`statusline --url http://127\\.0\\.0\\.1:${port}$`));
    assert.deepEqual(rest, ['--resume', 'abc', '--', 'x', `http://127.0.0.1:${port}`]);
    assert.equal(await probeGateway(`http://127.0.0.1:${port}`), 'none', 'the gateway it started is stopped');
  });

  it('forwards SIGTERM to the program and exits with its code', async () => {
    rmSync(env.OUT!, { force: true });
    let pid = 0;
    const done = mmexecClaude(['--config', config, 'x', 'wait'], env, dir, (p) => (pid = p));
    const deadline = Date.now() + 60_000; // the gateway starts first (seconds on a busy machine)
    while (!(existsSync(env.OUT!) && readFileSync(env.OUT!, 'utf8').includes('ready')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    process.kill(pid, 'SIGTERM');
    const r = await done;
    assert.equal(r.code, 42, r.stderr);
    assert.equal(await probeGateway(`http://127.0.0.1:${port}`), 'none');
  });

  it('says so in one line, exit 1, when the program is missing', async () => {
    const r = await mmexecClaude(['--config', config, '--claude-bin', join(dir, 'nope'), '-p', 'x'], env, dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `mmexec claude: cannot run "${join(dir, 'nope')}": not found: install Claude Code, or name it with --claude-bin or MMEXEC_CLAUDE\n`);
    assert.equal(await probeGateway(`http://127.0.0.1:${port}`), 'none');
  });

  it('uses a gateway that is already running and leaves it running', async () => {
    const gw = await startTestGateway(`version: 1\nupstreams:\n  anthropic: { url: ${fake.url}, provider: anthropic }\nroutes:\n  - name: default\n    upstream: anthropic\n`);
    try {
      const r = await mmexecClaude(['--config', config, '--url', gw.url, 'x'], env, dir);
      assert.equal(r.code, 7, r.stderr);
      assert.equal(readFileSync(env.OUT!, 'utf8').trimEnd().split('\n').at(-1), gw.url);
      assert.equal(await probeGateway(gw.url), 'running');
      assert.equal(existsSync(join(env.MMEXEC_HOME!, 'claude', 'gateway.json')), false);
    } finally {
      await gw.close();
    }
  });
});

describe('mmexec claude with the real Claude Code', { skip: releaseSkip(release) }, () => {
  let dir: string;
  let fake: FakeAnthropic;
  let env: Record<string, string>;
  let config: string;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-launch-'));
    fake = await startFakeAnthropic({ replies: (call) => ({ text: `answer ${call.body.messages.filter((m) => m.role === 'user').length}` }) });
    url = `http://127.0.0.1:${await freePort()}`;
    config = join(dir, 'mmexec.yaml');
    writeFileSync(config, `version: 1\nupstreams:\n  anthropic: { url: ${fake.url}, provider: anthropic }\nroutes:\n  - name: default\n    upstream: anthropic\n`);
    const home = join(dir, 'home');
    mkdirSync(home);
    mkdirSync(join(dir, 'project'));
    mkdirSync(join(dir, 'tmp'));
    // Claude Code's usual test environment (temp HOME, no telemetry), its base URL pointing nowhere: only mmexec claude sets the gateway's.
    env = { ...claudeEnv({ baseUrl: DEAD }, home), TMPDIR: join(dir, 'tmp'), MMEXEC_HOME: join(dir, 'state'), MMEXEC_CLAUDE: release.bin };
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the gateway, sends Claude Code through it, and stops it when Claude Code exits', async () => {
    let seenRunning: string | undefined;
    const first = await mmexecClaude(['--config', config, '--url', url, '-p', 'hello there', '--tools', ''], env, join(dir, 'project'), () => {
      const poll = setInterval(() => void probeGateway(url, 300).then((a) => (a === 'running' ? ((seenRunning = a), clearInterval(poll)) : undefined)), 200);
      setTimeout(() => clearInterval(poll), 90_000).unref();
    });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), 'answer 1');
    assert.equal(seenRunning, 'running', 'a gateway answered while Claude Code ran');
    const bodies = fake.messageBodies();
    assert.ok(bodies.length >= 1);
    assert.ok(fake.requests.every((r) => r.headers['user-agent']?.startsWith('claude-cli/2.1.332')), 'Claude Code reached the fake through the gateway');
    assert.equal(await probeGateway(url), 'none', 'the gateway it started is stopped');
    assert.match(readFileSync(join(dir, 'state', 'claude', 'gateway.log'), 'utf8'), /listening on http:\/\/127\.0\.0\.1:/);
    assert.deepEqual(readdirSync(join(dir, 'state', 'claude', 'users')), []);
    assert.equal(existsSync(join(dir, 'state', 'claude', 'gateway.json')), false);
  });

  it('passes --continue through, so the next run carries on the conversation', async () => {
    const before = fake.messageBodies().length;
    const second = await mmexecClaude(['--config', config, '--url', url, '-p', '--continue', 'and again', '--tools', ''], env, join(dir, 'project'));
    assert.equal(second.code, 0, second.stderr);
    const body = fake.messageBodies().slice(before).at(-1)!;
    const texts = JSON.stringify(body.messages);
    assert.ok(texts.includes('hello there') && texts.includes('answer 1') && texts.includes('and again'), texts.slice(0, 400));
    assert.equal(await probeGateway(url), 'none');
  });

  it('writes nothing in HOME but Claude Code files', () => {
    const files = filesUnder(join(dir, 'home'));
    assert.ok(files.length > 0);
    for (const f of files) assert.match(f, /^\.claude(\.json(\.backup)?)?(\/|$)|^\.claude\.json/, `${f} is Claude Code's`);
    assert.ok(!files.some((f) => f.startsWith('.claude/mmexec') || f.includes('statusline')), files.join(', '));
    const settings = join(dir, 'home', '.claude', 'settings.json');
    assert.ok(!existsSync(settings) || !readFileSync(settings, 'utf8').includes('statusLine'), 'no status line written to settings.json');
  });
});
