/**
 * The claude_code condition on request shapes captured from Claude Code 2.1.197 and 2.1.332
 * (test/fixtures/claude-code/request-signals.json), on shapes a proxy or another client could send, and
 * what it reads from the body: nothing when the headers answer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { billingFields, isTitleShape } from '../../../src/conditions/claude-code-signals.js';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { RequestContext, type Services } from '../../../src/pipeline/context.js';
import { selectRoute } from '../../../src/pipeline/select-route.js';
import { compilePlan } from '../../../src/plan/compile.js';
import type { Plan } from '../../../src/plan/types.js';
import { formatExplain } from '../../../src/explain/format-explain.js';
import { simulate, type SimulationInput } from '../../../src/explain/simulate.js';
import { parseBody } from '../../../src/pipeline/parse-body.js';

interface Captured {
  name: string;
  version: string;
  env: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const FIXTURE = JSON.parse(readFileSync(new URL('../../fixtures/claude-code/request-signals.json', import.meta.url), 'utf8')) as { requests: Captured[] };
const CLASSES = ['main', 'subagent', 'workflow', 'compaction', 'auxiliary', 'side_reply'] as const;
/** Where the in-memory configs say they live (never read: their text is given). */
const CONFIG_PATH = fileURLToPath(new URL('./claude-code-conditions.yaml', import.meta.url));
const plans: Plan[] = [];
after(() => plans.forEach((p) => p.upstreams.forEach((u) => u.agent.destroy())));

/** A plan whose first route (`hit`) holds when the condition does. */
function planFor(when: unknown): Plan {
  const text = `version: 1\nstate: { store: memory }\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\nroutes:\n  - name: hit\n    when: ${JSON.stringify(when)}\n    reply: { text: hit }\n  - name: miss\n    reply: { text: miss }\n`;
  const plan = compilePlan(loadConfig(CONFIG_PATH, { text, env: {} }), {}).plan;
  plans.push(plan);
  return plan;
}

function inputOf(c: Pick<Captured, 'headers' | 'body'> & { method?: string }): SimulationInput {
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(c.headers)) headers[k.toLowerCase()] = v;
  const method = c.method ?? 'POST';
  const raw = method === 'GET' ? Buffer.alloc(0) : Buffer.from(JSON.stringify(c.body));
  return { method, path: method === 'GET' ? '/v1/models' : '/v1/messages', headers, raw };
}

async function holds(plan: Plan, input: SimulationInput): Promise<boolean> {
  const sim = await simulate(plan, input, {});
  assert.equal(sim.error, undefined);
  return sim.route?.name === 'hit';
}

const cases = new Map(CLASSES.map((c) => [c, planFor({ claude_code: { request_class: c } })]));
const subagent = planFor({ claude_code: { subagent: true } });
const notSubagent = planFor({ claude_code: { subagent: false } });
const explore = planFor({ claude_code: { agent_type: 'explore' } });
const child = planFor({ claude_code: { child_session: true } });

/** What each captured request is, as read by hand from the capture. */
interface Want {
  subagent: boolean;
  cls: (typeof CLASSES)[number];
  explore: boolean;
  child: boolean;
}

const CAPTURED: Array<[string, string, boolean, Want]> = [
  ['main', '2.1.332', true, { subagent: false, cls: 'main', explore: false, child: false }],
  ['subagent', '2.1.332', true, { subagent: true, cls: 'subagent', explore: true, child: false }],
  ['title', '2.1.332', true, { subagent: false, cls: 'auxiliary', explore: false, child: false }],
  ['child-session', '2.1.332', true, { subagent: false, cls: 'main', explore: false, child: true }],
  ['main', '2.1.332', false, { subagent: false, cls: 'main', explore: false, child: false }],
  ['subagent', '2.1.332', false, { subagent: true, cls: 'subagent', explore: false, child: false }],
  ['title', '2.1.332', false, { subagent: false, cls: 'auxiliary', explore: false, child: false }],
  ['main', '2.1.197', true, { subagent: false, cls: 'main', explore: false, child: false }],
  ['subagent', '2.1.197', true, { subagent: true, cls: 'subagent', explore: false, child: false }],
  ['title', '2.1.197', true, { subagent: false, cls: 'auxiliary', explore: false, child: false }],
];

function captured(name: string, version: string, hints: boolean): Captured {
  const c = FIXTURE.requests.find((r) => r.name === name && r.version === version && r.env.includes('HINT_HEADERS') === hints);
  assert.ok(c, `fixture ${name} ${version} hints=${hints}`);
  return c;
}

async function check(input: SimulationInput, want: Want): Promise<void> {
  assert.equal(await holds(subagent, input), want.subagent, 'subagent: true');
  assert.equal(await holds(notSubagent, input), !want.subagent, 'subagent: false');
  for (const [cls, plan] of cases) assert.equal(await holds(plan, input), cls === want.cls, `request_class: ${cls}`);
  assert.equal(await holds(explore, input), want.explore, 'agent_type: explore');
  assert.equal(await holds(child, input), want.child, 'child_session: true');
}

describe('claude_code condition on captured Claude Code requests', () => {
  for (const [name, version, hints, want] of CAPTURED) {
    it(`reads the ${name} request of ${version} ${hints ? 'with' : 'without'} hint headers as ${want.cls}${want.subagent ? ', subagent' : ''}`, async () => {
      await check(inputOf(captured(name, version, hints)), want);
    });
  }
});

describe('claude_code condition on other shapes', () => {
  const main = captured('main', '2.1.332', false);
  const billingSub = { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.ea8; cc_entrypoint=sdk-cli; cc_is_subagent=true;' };
  const rows: Array<[string, Record<string, string>, Record<string, unknown>, Want]> = [
    ['a subagent known only by its billing block', {}, { system: [billingSub] }, { subagent: true, cls: 'subagent', explore: false, child: false }],
    ['a nested subagent (parent agent id header)', { 'x-claude-code-parent-agent-id': 'a1' }, {}, { subagent: true, cls: 'subagent', explore: false, child: false }],
    ['a workflow request', { 'x-claude-code-request-class': 'workflow' }, {}, { subagent: true, cls: 'workflow', explore: false, child: false }],
    ['a compaction request', { 'x-claude-code-request-class': 'Compaction' }, {}, { subagent: false, cls: 'compaction', explore: false, child: false }],
    ['the header over the billing block', { 'x-claude-code-request-class': 'main' }, { system: [billingSub] }, { subagent: false, cls: 'main', explore: false, child: false }],
    ['an unknown class header (inferred instead)', { 'x-claude-code-request-class': 'future_kind' }, {}, { subagent: false, cls: 'main', explore: false, child: false }],
    ['a billing block given as a system string', {}, { system: `${billingSub.text}\nYou are Claude Code.` }, { subagent: true, cls: 'subagent', explore: false, child: false }],
    ['an agent type in any case', { 'x-claude-code-agent-id': 'a2', 'x-claude-code-agent-type': 'EXPLORE' }, {}, { subagent: true, cls: 'subagent', explore: true, child: false }],
    ['structured output with tools (not a title)', {}, { output_config: { format: { type: 'json_schema' } }, tools: [{ name: 'Bash' }], thinking: { type: 'disabled' } }, { subagent: false, cls: 'main', explore: false, child: false }],
    ['structured output with thinking (not a title)', {}, { output_config: { format: { type: 'json_schema' } }, tools: [], thinking: { type: 'adaptive' } }, { subagent: false, cls: 'main', explore: false, child: false }],
  ];
  for (const [what, headers, body, want] of rows) {
    it(`reads ${what}`, async () => {
      await check(inputOf({ headers: { ...main.headers, ...headers }, body: { ...main.body, ...body } }), want);
    });
  }

  it('holds for no request class on a request without a body, and for agent_type lists', async () => {
    const get = inputOf({ method: 'GET', headers: {}, body: {} });
    for (const plan of cases.values()) assert.equal(await holds(plan, get), false);
    const either = planFor({ claude_code: { agent_type: ['Plan', 'Explore'], request_class: ['subagent', 'workflow'] } });
    assert.equal(await holds(either, inputOf(captured('subagent', '2.1.332', true))), true);
    assert.equal(await holds(either, inputOf(captured('main', '2.1.332', true))), false);
  });

  it('parses the billing block fields and tells the title shape', () => {
    assert.deepEqual([...billingFields([billingSub])!], [['cc_version', '2.1.332.ea8'], ['cc_entrypoint', 'sdk-cli'], ['cc_is_subagent', 'true']]);
    assert.equal(billingFields([{ type: 'text', text: 'You are Claude Code.' }]), undefined);
    assert.equal(billingFields(undefined), undefined);
    const title = captured('title', '2.1.332', false).body;
    assert.equal(isTitleShape((k) => title[k]), true);
    assert.equal(isTitleShape((k) => main.body[k]), false);
  });

  it('refuses an empty claude_code condition and an unknown class, with their place', () => {
    assert.throws(() => planFor({ claude_code: {} }), (e: unknown) => e instanceof ConfigError && /claude_code/.test(e.message));
    assert.throws(() => planFor({ claude_code: { request_class: 'titles' } }), (e: unknown) => e instanceof ConfigError && /request_class/.test(e.message));
  });
});

describe('claude_code condition reads', () => {
  /** Routes a request through `plan` without a trace, recording the body fields read. */
  async function fieldsRead(plan: Plan, c: Pick<Captured, 'headers' | 'body'>): Promise<string[]> {
    const input = inputOf(c);
    const body = parseBody('POST', '/v1/messages', input.raw)!;
    const read: string[] = [];
    const field = body.field.bind(body);
    body.field = (key: string) => (read.push(key), field(key));
    const ctx = new RequestContext('r1', plan, {} as Services, 'POST', '/v1/messages', input.headers, input.raw, body, { start: 0, bodyEnd: 0 });
    read.length = 0; // the constructor reads the model
    await selectRoute(ctx);
    return read;
  }

  it('no body field when the headers answer', async () => {
    assert.deepEqual(await fieldsRead(subagent, captured('subagent', '2.1.332', false)), []);
    assert.deepEqual(await fieldsRead(subagent, captured('main', '2.1.332', true)), []);
    assert.deepEqual(await fieldsRead(cases.get('auxiliary')!, captured('main', '2.1.332', true)), []);
  });

  it('the system field only when no header says whether a subagent asks', async () => {
    assert.deepEqual(await fieldsRead(subagent, captured('main', '2.1.332', false)), ['system']);
  });

  it('only output_config for request_class auxiliary on a main turn without hint headers', async () => {
    assert.deepEqual(await fieldsRead(cases.get('auxiliary')!, captured('main', '2.1.332', false)), ['output_config']);
  });

  it('the system field once, however many routes ask', async () => {
    const plan = planFor({ all: [{ claude_code: { subagent: false } }, { claude_code: { request_class: 'main' } }, { claude_code: { subagent: false } }] });
    const read = await fieldsRead(plan, captured('main', '2.1.197', true));
    assert.equal(read.filter((k) => k === 'system').length, 1, read.join(','));
  });
});

describe('mmexec explain with the claude_code condition', () => {
  it("shows each condition's verdict with what it read and where", async () => {
    const plan = planFor({ claude_code: { request_class: 'auxiliary' } });
    const title = inputOf(captured('title', '2.1.332', false));
    const text = formatExplain(plan, title, await simulate(plan, title, {}));
    assert.match(text, /✓ claude code request class auxiliary — saw request class "auxiliary" \(inferred from the title request shape\)/);
    const sub = inputOf(captured('subagent', '2.1.332', true));
    const text2 = formatExplain(explore, sub, await simulate(explore, sub, {}));
    assert.match(text2, /✓ claude code agent type explore — saw agent type "Explore" \(header x-claude-code-agent-type\)/);
    const main = inputOf(captured('main', '2.1.332', false));
    const text3 = formatExplain(subagent, main, await simulate(subagent, main, {}));
    assert.match(text3, /✗ claude code subagent true — saw subagent false \(no agent id header, no cc_is_subagent in the billing block\)/);
  });
});
