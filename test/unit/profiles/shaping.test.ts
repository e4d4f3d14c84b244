import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { outgoingHeaders } from '../../../src/upstream/outgoing-headers.js';
import { capturedRequests } from '../../support/claude-code-bodies.js';
import { closePlan, planWith, shape } from '../../support/shape-request.js';

const plan = planWith({
  mm: ['profile: minimax-m2', 'model: MiniMax-M2.7'],
  m3: ['profile: minimax-m3', 'model: MiniMax-M3'],
  ds: ['profile: deepseek', 'model: deepseek-v4-pro'],
  dsflash: ['profile: deepseek', 'model: deepseek-flash'],
  kimi: ['profile: kimi', 'model: kimi-k2-turbo-preview'],
  kimi26: ['profile: kimi', 'model: kimi-k2.6'],
  glm: ['profile: glm', 'model: glm-4.6'],
  coder: ['profile: qwen', 'model: qwen3-coder-plus'],
  or: ['profile: openrouter'],
  an: ['profile: anthropic'],
  session: ['profile: { name: deepseek, user_id: session }'],
  small: ['profile: { name: glm, context_window: 1000, max_output_tokens: 2000 }'],
});
after(() => closePlan(plan));

type Msg = { role: string; content: string | Array<{ type: string; text?: string; [k: string]: unknown }> };
const toolLoop = (): Record<string, unknown> => structuredClone(capturedRequests().filter((r) => r.name.startsWith('tool-loop')).at(-1)!.body);
const user = (content: Msg['content']): Msg => ({ role: 'user', content });

describe('system turns', () => {
  it("folds Claude Code's trailing and mid-conversation system turns into user turns, tool results first", async () => {
    const { sent, ctx } = await shape(plan, 'mm', toolLoop());
    const messages = sent.messages as Msg[];
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user']);
    assert.equal((messages[2]!.content as Array<{ type: string }>)[0]!.type, 'tool_result');
    assert.match(JSON.stringify(messages[4]!.content), /<system-reminder>\\n<total_tokens>15000000 tokens left.*after the loop/, "the system text comes as a reminder before the user's words");
    assert.ok(ctx.profileNotes.includes('folded 3 system turns into the adjacent user turn'), ctx.profileNotes.join('\n'));
    assert.equal(ctx.payload?.isParsed, false, 'only the messages around the system turns were parsed');
  });

  it('makes a system turn between two assistant turns a user turn of its own and never leaves content empty', async () => {
    const body = { model: 'x', max_tokens: 10, messages: [user('hi'), { role: 'assistant', content: 'a' }, { role: 'system', content: '' }, { role: 'assistant', content: 'b' }, { role: 'system', content: 'note' }] };
    const { sent } = await shape(plan, 'mm', body);
    assert.deepEqual(sent.messages, [user('hi'), { role: 'assistant', content: 'a' }, user([{ type: 'text', text: '[empty system note]' }]), { role: 'assistant', content: 'b' }, user([{ type: 'text', text: '<system-reminder>\nnote\n</system-reminder>' }])]);
  });

  it('keeps system turns for Anthropic, which takes them', async () => {
    const { sent, ctx } = await shape(plan, 'an', toolLoop());
    assert.ok((sent.messages as Msg[]).some((m) => m.role === 'system'));
    assert.equal(ctx.changed, false, 'the anthropic profile sends the exact bytes');
  });

  it('gives the same messages whether or not the body was parsed whole before', async () => {
    const body = toolLoop();
    const spliced = (await shape(plan, 'glm', body)).sent;
    const planParsed = planWith({ glm: ['profile: glm', 'model: glm-4.6', 'request: [{ jsonata: "$" }]'] });
    const parsed = await shape(planParsed, 'glm', body);
    closePlan(planParsed);
    assert.equal(parsed.ctx.payload?.isParsed, true);
    assert.deepEqual(spliced.messages, parsed.sent.messages);
  });
});

describe('what is not parsed', () => {
  it('leaves a body with nothing to change unparsed and unchanged', async () => {
    const body = { model: 'MiniMax-M2.7', max_tokens: 100, stream: true, messages: [user('hello'), { role: 'assistant', content: 'hi' }, user('more')] };
    const { ctx } = await shape(plan, 'mm', body);
    assert.equal(ctx.payload?.isParsed, false);
    assert.equal(ctx.changed, false);
    assert.deepEqual(ctx.profileNotes, []);
  });

  it('shapes a 1 MB history ending in a system turn without parsing it whole', async () => {
    const history: Msg[] = [];
    for (let i = 0; i < 200; i++) history.push(user(`question ${i} ${'x'.repeat(2500)}`), { role: 'assistant', content: `answer ${i} ${'y'.repeat(2500)}` });
    history.push(user('last'), { role: 'system', content: 'reminder' });
    const { ctx, sent } = await shape(plan, 'mm', { model: 'claude-opus-4-8', max_tokens: 64000, messages: history });
    assert.equal(ctx.payload?.isParsed, false);
    assert.deepEqual((sent.messages as Msg[]).at(-1), user([{ type: 'text', text: '<system-reminder>\nreminder\n</system-reminder>' }, { type: 'text', text: 'last' }]));
    assert.equal((sent.messages as Msg[]).length, 401);
  });
});

describe('content a provider cannot read', () => {
  const withImage = (source: Record<string, unknown>): Record<string, unknown> => ({
    model: 'x', max_tokens: 100,
    messages: [
      user([{ type: 'text', text: 'look' }, { type: 'image', source }]),
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] },
      user([{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'image', source }] }]),
    ],
  });
  const base64 = { type: 'base64', media_type: 'image/png', data: 'AAAA' };

  it('replaces images, also inside tool results, with a note for a text-only model', async () => {
    const { sent, ctx } = await shape(plan, 'mm', withImage(base64));
    const text = JSON.stringify(sent.messages);
    assert.ok(!text.includes('"type":"image"'));
    assert.equal(text.match(/an image was omitted here: MiniMax-M2\.7 cannot read images/g)?.length, 2);
    assert.ok(ctx.profileNotes.includes('replaced by a text note: 2 image blocks'));
  });

  it('keeps images for a model that reads them (deepseek-flash, MiniMax M3)', async () => {
    for (const u of ['dsflash', 'm3']) assert.ok(JSON.stringify((await shape(plan, u, withImage(base64))).sent).includes('"type":"image"'), u);
  });

  it('replaces an image from a source the provider does not read', async () => {
    const file = { type: 'file', file_id: 'file_1' };
    assert.ok(!JSON.stringify((await shape(plan, 'm3', withImage(file))).sent).includes('"type":"image"'));
  });
});

describe('thinking, effort, sampling and output', () => {
  const body = (extra: Record<string, unknown>): Record<string, unknown> => ({ model: 'x', max_tokens: 64000, messages: [user('hi')], ...extra });
  const cases: Array<[string, string, Record<string, unknown>, unknown]> = [
    ['GLM gets adaptive thinking as enabled with a budget', 'glm', { thinking: { type: 'adaptive', display: 'updates' } }, { type: 'enabled', budget_tokens: 32000 }],
    ['MiniMax M3 keeps adaptive thinking without display', 'm3', { thinking: { type: 'adaptive', display: 'updates' } }, { type: 'adaptive' }],
    ['Kimi K2 turbo gets no thinking parameter', 'kimi', { thinking: { type: 'adaptive' } }, undefined],
    ['Kimi K2.6 gets enabled thinking', 'kimi26', { thinking: { type: 'adaptive' } }, { type: 'enabled', budget_tokens: 16384 }],
    ['Qwen-Coder gets no thinking parameter', 'coder', { thinking: { type: 'enabled', budget_tokens: 4000 } }, undefined],
    ['DeepSeek keeps the budget of enabled thinking', 'ds', { thinking: { type: 'enabled', budget_tokens: 31999 } }, { type: 'enabled', budget_tokens: 31999 }],
  ];
  for (const [name, upstream, extra, expected] of cases) {
    it(name, async () => assert.deepEqual((await shape(plan, upstream, body(extra))).sent.thinking, expected));
  }

  it('disables thinking when max_tokens leaves no room for a budget', async () => {
    assert.deepEqual((await shape(plan, 'glm', { ...body({ thinking: { type: 'adaptive' } }), max_tokens: 800 })).sent.thinking, { type: 'disabled' });
  });

  it("removes DeepSeek's effort when thinking is disabled, and keeps it otherwise", async () => {
    assert.equal((await shape(plan, 'ds', body({ thinking: { type: 'disabled' }, output_config: { effort: 'high' } }))).sent.output_config, undefined);
    assert.deepEqual((await shape(plan, 'ds', body({ thinking: { type: 'adaptive' }, output_config: { effort: 'high', format: 'x' } }))).sent.output_config, { effort: 'high' });
  });

  it('clamps temperature into (0, 1] for MiniMax and removes it where the model fixes it', async () => {
    assert.equal((await shape(plan, 'mm', body({ temperature: 0 }))).sent.temperature, 0.01);
    assert.equal((await shape(plan, 'mm', body({ temperature: 1.7 }))).sent.temperature, 1);
    assert.equal((await shape(plan, 'kimi26', body({ temperature: 0.5, top_p: 0.9 }))).sent.temperature, undefined);
  });

  it("caps max_tokens at the provider's largest output, or the operator's", async () => {
    assert.equal((await shape(plan, 'mm', body({ max_tokens: 200000 }))).sent.max_tokens, 131072);
    assert.equal((await shape(plan, 'small', body({}))).sent.max_tokens, 2000);
  });

  it('removes fields the provider does not take', async () => {
    const { sent } = await shape(plan, 'mm', body({ context_management: { edits: [] }, output_config: { effort: 'high' }, safeguards: {} }));
    assert.deepEqual(Object.keys(sent).sort(), ['max_tokens', 'messages', 'model']);
  });
});

describe('tools', () => {
  const tools = [
    { name: 'DeferredToolPlaceholder', description: 'd', input_schema: { type: 'object' }, defer_loading: true },
    { name: 'Bash', description: 'b', input_schema: { type: 'object', properties: { strict: { type: 'boolean' } } } },
    { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
  ];
  const body = { model: 'x', max_tokens: 100, messages: [user('hi')], tools, tool_choice: { type: 'tool', name: 'web_search' } };

  it('sends deferred tools as ordinary ones and removes server tools the provider does not run', async () => {
    const { sent } = await shape(plan, 'mm', body);
    assert.deepEqual(sent.tools, [tools[0] && { name: 'DeferredToolPlaceholder', description: 'd', input_schema: { type: 'object' } }, tools[1]]);
    assert.equal(sent.tool_choice, undefined);
  });

  it('keeps the web search server tool DeepSeek runs', async () => {
    assert.ok(JSON.stringify((await shape(plan, 'ds', body)).sent.tools).includes('web_search_20250305'));
  });
});

describe('private data and betas', () => {
  const userId = JSON.stringify({ device_id: 'dev', account_uuid: 'acc', session_id: 'sess-1' });
  const body = { model: 'x', max_tokens: 10, messages: [user('hi')], metadata: { user_id: userId }, system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332' }, { type: 'text', text: 'You are Claude Code.' }] };

  it('keeps metadata.user_id and the billing header from third parties', async () => {
    const { sent } = await shape(plan, 'or', body);
    assert.equal(sent.metadata, undefined);
    assert.deepEqual(sent.system, [{ type: 'text', text: 'You are Claude Code.' }]);
  });

  it('sends only the session id when the operator allows it', async () => {
    assert.deepEqual((await shape(plan, 'session', body)).sent.metadata, { user_id: JSON.stringify({ session_id: 'sess-1' }) });
  });

  it('sends everything to Anthropic', async () => {
    const { sent } = await shape(plan, 'an', body);
    assert.deepEqual(sent.metadata, body.metadata);
    assert.deepEqual(sent.system, body.system);
  });

  it('filters anthropic-beta per profile: none for MiniMax, the Files API for DeepSeek, all for OpenRouter', () => {
    const incoming = { 'anthropic-beta': 'claude-code-20250219, files-api-2025-04-14,context-1m-2025-08-07' };
    const beta = (u: string): unknown => outgoingHeaders(incoming, plan.upstreams.get(u)!, 0, 'via', {})['anthropic-beta'];
    assert.equal(beta('mm'), undefined);
    assert.equal(beta('ds'), 'files-api-2025-04-14');
    assert.equal(beta('or'), incoming['anthropic-beta']);
  });
});

describe('folding any conversation', () => {
  it('never leaves a system turn, two turns of one role in a row, or an empty turn, and keeps every text, and the user and assistant texts in order', async () => {
    const { default: fc } = await import('fast-check');
    const { RequestBody } = await import('../../../src/body/request-body.js');
    const { scanTopLevel } = await import('../../../src/body/json-scan.js');
    const { shapeMessages } = await import('../../../src/profiles/shape-messages.js');
    const { minimaxM2 } = await import('../../../src/profiles/minimax-m2.js');
    const turn = fc.record({ text: fc.string({ minLength: 1, maxLength: 5 }).filter((t) => t.trim() !== ''), systemsAfter: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.array(turn, { minLength: 1, maxLength: 8 }), (leading, turns) => {
        const messages: Msg[] = leading.map((t) => ({ role: 'system', content: t }));
        turns.forEach((t, i) => {
          messages.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: t.text });
          for (const s of t.systemsAfter) messages.push({ role: 'system', content: s });
        });
        const raw = Buffer.from(JSON.stringify({ model: 'm', messages }));
        const body = new RequestBody(raw, scanTopLevel(raw, 'messages'));
        shapeMessages(body, minimaxM2, 'm');
        const out = (JSON.parse(body.outgoing().toString('utf8')) as { messages: Msg[] }).messages;
        const texts = (m: Msg): string[] => (typeof m.content === 'string' ? [m.content] : m.content.map((b) => String(b.text)));
        assert.ok(out.every((m) => m.role !== 'system' && texts(m).length > 0 && texts(m).every((t) => t.trim() !== '')));
        for (let i = 1; i < out.length; i++) assert.notEqual(out[i]!.role, out[i - 1]!.role);
        const kept = messages.flatMap((m) => (typeof m.content === 'string' && m.content.trim() !== '' ? [m.content] : []));
        const unwrap = (t: string): string => t.replace(/^<system-reminder>\n([\s\S]*)\n<\/system-reminder>$/, '$1');
        const sent = out.flatMap(texts).filter((t) => t !== '[empty system note]');
        assert.deepEqual(sent.map(unwrap).sort(), [...kept].sort(), 'every text is kept');
        const spoken = messages.filter((m) => m.role !== 'system').map((m) => String(m.content));
        assert.deepEqual(sent.filter((t) => !t.startsWith('<system-reminder>')), spoken, 'user and assistant texts keep their order');
      }),
      { numRuns: 400 },
    );
  });
});
