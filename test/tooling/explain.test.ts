import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { compilePlan } from '../../src/plan/compile.js';
import type { Plan } from '../../src/plan/types.js';
import { formatExplain } from '../../src/explain/format-explain.js';
import { simulate, type SimulationInput } from '../../src/explain/simulate.js';
import { capturedBodyPath } from '../support/claude-code-fixtures.js';
import { startRecordingUpstream, type RecordingUpstream } from '../support/recording-upstream.js';
import { ROOT, runCli } from '../support/run-cli.js';

const FIXTURE = capturedBodyPath('second-turn-to-anthropic');

function input(raw: Buffer, extra: Partial<SimulationInput> = {}): SimulationInput {
  return { method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/json' }, raw, ...extra };
}

describe('mmexec explain', () => {
  let plan: Plan;
  let upstream: RecordingUpstream;
  const env = { MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-explain-')) };

  before(async () => {
    upstream = await startRecordingUpstream('minimax');
    plan = compilePlan(loadConfig(`${ROOT}mmexec.yaml`, { env }), env).plan;
  });
  after(async () => {
    for (const u of plan.upstreams.values()) u.agent.destroy();
    await upstream.close();
    rmSync(env.MMEXEC_HOME, { recursive: true, force: true });
  });

  it('traces every route tried in order and stops at the first match', async () => {
    const sim = await simulate(plan, input(Buffer.from(JSON.stringify({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'mmexec fix it' }] }))));
    const names = plan.routes.map((r) => r.name);
    const chosen = names.indexOf('trigger-minimax');
    assert.deepEqual(sim.traces.map((t) => t.route), names.slice(0, chosen + 1));
    assert.deepEqual(sim.traces.map((t) => t.matched), [...Array(chosen).fill(false), true]);
    assert.ok(sim.traces.every((t) => t.lines.length > 0));
    assert.equal(sim.upstream?.name, 'minimax');
    assert.deepEqual([sim.stickyBefore.session, sim.stickyAfter.session], [undefined, 'minimax']);
  });

  it('shows the body change the upstream would receive as a diff against the input', async () => {
    const sim = await simulate(plan, input(Buffer.from(JSON.stringify({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'mmexec fix it' }] }))));
    const text = formatExplain(plan, input(Buffer.alloc(10)), sim);
    assert.match(text, /- model: "claude-opus-4-8"\n {2}\+ model: "MiniMax-M2.7"/);
    assert.match(text, /- messages\[0\]\.content: "mmexec fix it"\n {2}\+ messages\[0\]\.content: "fix it"/);
    assert.match(text, /State change: set session to "minimax".*none → minimax/);
  });

  it("shows a real Claude Code body's MiniMax thinking turned into text on its way to Anthropic", async () => {
    const raw = readFileSync(FIXTURE);
    const sim = await simulate(plan, input(raw, { headers: { 'x-claude-code-session-id': 'abc' } }));
    assert.equal(sim.route?.name, 'default-anthropic');
    assert.equal(sim.changed, true);
    const text = formatExplain(plan, input(raw), sim);
    assert.match(text, /- messages\[1\]\.content\[0\]\.type: "thinking"\n {2}\+ messages\[1\]\.content\[0\]\.type: "text"/);
  });

  it('says the body is sent unchanged when no stage changes it', async () => {
    const raw = Buffer.from(JSON.stringify({ model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'hello' }] }));
    const sim = await simulate(plan, input(raw));
    assert.equal(sim.changed, false);
    assert.match(formatExplain(plan, input(raw), sim), /Body: sent unchanged/);
  });

  it('follows a seeded sticky session and reports the local reply of mmstatus', async () => {
    const sim = await simulate(plan, input(Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'mmstatus' }] })), { session: 's1', sticky: { session: 'minimax' } }));
    assert.equal(sim.reply?.status, 418);
    assert.match(sim.reply!.text, /MiniMax/);
    assert.equal(sim.stickyAfter.session, 'minimax');
  });

  it('reports a request no route matches as the 404 the gateway would send', async () => {
    const only = compilePlan(loadConfig(`${ROOT}mmexec.yaml`, { env, text: readFileSync(`${ROOT}mmexec.yaml`, 'utf8').replace('include: rules/classic.yaml', 'include: rules/model-map.yaml').replace('minimax:\n', 'mapped:\n') }), env).plan;
    try {
      const sim = await simulate(only, input(Buffer.from(JSON.stringify({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] }))));
      assert.equal(sim.error?.status, 404);
      assert.match(formatExplain(only, input(Buffer.alloc(1)), sim), /Gateway error: 404 not_found_error/);
    } finally {
      for (const u of only.upstreams.values()) u.agent.destroy();
    }
  });

  it('prints the report from the command line without calling any upstream', async () => {
    const r = await runCli(['explain', '--config', 'mmexec.yaml', FIXTURE, '--text', 'mmexec write docs', '--session', 'cli-1', '--header', 'x-test: 1'], {
      env: { ...env, MINIMAX_BASE_URL: upstream.url, ANTHROPIC_UPSTREAM_URL: upstream.url, MINIMAX_API_KEY: 'k' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ \d+ trigger-minimax {2}← chosen/);
    assert.match(r.stdout, /Upstream: minimax → POST http:\/\/127\.0\.0\.1:\d+\/v1\/messages/);
    assert.match(r.stdout, /\+ model: "MiniMax-M2.7"/);
    assert.match(r.stdout, /\+ messages\[2\]\.content\[\d+\]\.text: "write docs"/);
    assert.equal(upstream.seen.length, 0);
  });

  it('rejects a malformed --header with exit code 2', async () => {
    const r = await runCli(['explain', '--text', 'hi', '--header', 'nocolon']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Name:Value/);
  });
});

/** The /v1/messages bodies a matrix release sent in one captured scenario (test/fixtures/claude-code/<release>/). */
function capturedRequests(release: string, scenario: string): Array<Record<string, unknown>> {
  const file = join(ROOT, 'test', 'fixtures', 'claude-code', release, `${scenario}.json`);
  const captured = JSON.parse(readFileSync(file, 'utf8')) as { requests: Array<{ path: string; body: Record<string, unknown> }> };
  return captured.requests.filter((r) => r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens')).map((r) => r.body);
}

describe('mmexec explain on bodies the newest Claude Code sent', () => {
  it('shows the trigger route for `mmexec <task>` as 2.1.332 sent it, with the trigger stripped', async () => {
    const [body] = capturedRequests('2.1.332', 'trigger-prompt');
    const r = await runCli(['explain', '-', '--config', `${ROOT}mmexec.yaml`], { input: JSON.stringify(body), env: { MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-explain-')) } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ \d+ trigger-minimax {2}← chosen/);
    assert.match(r.stdout, /last user text matches .* \(text "mmexec refactor the module"\)/);
  });

  it('releases a sticky session on the 2.1.332 request that carries `mmrelease stop here` typed during a tool run', async () => {
    const bodies = capturedRequests('2.1.332', 'typed-during-tool-adaptive');
    const carrying = bodies.find((b) => JSON.stringify(b.messages).includes('mmrelease stop here'));
    assert.ok(carrying, 'the capture holds the request with the typed text');
    const env = { MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-explain-')) };
    const r = await runCli(['explain', '-', '--config', `${ROOT}mmexec.yaml`, '--sticky', 'minimax', '--session', 's1'], { input: JSON.stringify(carrying), env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ \d+ release-to-anthropic {2}← chosen/);
  });
});
