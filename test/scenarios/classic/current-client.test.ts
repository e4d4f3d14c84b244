/**
 * The classic words in the request shapes of current Claude Code releases: trailing system turns (2.1.233+),
 * text typed while a tool runs (three forms), and the teapot leftovers merged into the next message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TYPED_WHILE_WORKING } from '../../../src/pipeline/user-text.js';
import { postMessages, startClassic, type ClassicSetup } from '../../support/classic-gateway.js';

const REMINDER = { type: 'text', text: '<system-reminder>\nContext the user did not type.\n</system-reminder>' };
const TRAILING = [
  { role: 'system', content: '<total_tokens>990000 tokens left</total_tokens>' },
  { role: 'system', content: [{ type: 'text', text: '# Environment\nWorking directory: /tmp/x' }] },
];
const TOOL_USE = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'sleep 3; echo done' } }] };
const RESULT = { type: 'tool_result', tool_use_id: 'toolu_01', content: 'done' };
/** Typed text as 2.1.250 and later wrap it (captured). */
const typed = (words: string): string =>
  `${TYPED_WHILE_WORKING}\n${words}\n\nThis is how Claude Code surfaces messages the user sends mid-turn — within the running turn, often alongside the next tool result, rather than as a separate conversation turn. Address the message above as you continue this turn.`;

function body(messages: unknown[]): Record<string, unknown> {
  return { model: 'claude-opus-4-8', max_tokens: 1000, stream: true, messages };
}

/** The three places Claude Code puts text typed during a tool run, each as the request that carries it. */
const TYPED_FORMS: Array<[string, (words: string) => unknown[]]> = [
  ['a trailing system turn (2.1.197–2.1.265)', (w) => [{ role: 'user', content: [RESULT] }, { role: 'system', content: typed(w) }]],
  ['a text block of the tool_result turn (2.1.332)', (w) => [{ role: 'user', content: [RESULT, { type: 'text', text: typed(w) }] }]],
  ['the tool_result content (thinking type enabled)', (w) => [{ role: 'user', content: [{ ...RESULT, content: [{ type: 'text', text: 'done' }, { type: 'text', text: typed(w) }] }] }]],
];

describe('classic rules with current Claude Code request shapes', () => {
  let s: ClassicSetup;
  let n = 0;
  const fresh = (): string => `current-${++n}`;
  const calls = (): number => s.anthropic.requests.length + s.minimax.requests.length;
  before(async () => {
    s = await startClassic();
  });
  after(() => s.close());

  it('routes `mmexec <task>` followed by trailing system turns to MiniMax, stripping only the word', async () => {
    const sent = body([{ role: 'user', content: [REMINDER, { type: 'text', text: 'mmexec refactor the module' }] }, ...TRAILING]);
    const r = await postMessages(s.gateway.url, sent, fresh());
    assert.equal(r.status, 200);
    const got = s.minimax.messageBodies().at(-1)!;
    // MiniMax takes no system turns: its profile folds them into the user turn as reminders, before the words typed.
    assert.equal(got.messages.length, 1);
    assert.deepEqual(got.messages[0]!.content, [
      { type: 'text', text: '<system-reminder>\n<total_tokens>990000 tokens left</total_tokens>\n</system-reminder>' },
      { type: 'text', text: '<system-reminder>\n# Environment\nWorking directory: /tmp/x\n</system-reminder>' },
      REMINDER,
      { type: 'text', text: 'refactor the module' },
    ]);
  });

  for (const word of ['mmstatus', 'mmexec', 'mmrelease']) {
    it(`answers exactly ${word} with a 418 despite trailing system turns`, async () => {
      const before = calls();
      const r = await postMessages(s.gateway.url, body([{ role: 'user', content: [REMINDER, { type: 'text', text: `${word}\n` }] }, ...TRAILING]), fresh());
      assert.equal(r.status, 418);
      assert.equal(calls(), before);
    });
  }

  for (const [form, build] of TYPED_FORMS) {
    it(`releases a sticky session on the very request when \`mmrelease stop here\` is typed during a tool run, as ${form}`, async () => {
      const id = fresh();
      assert.equal((await postMessages(s.gateway.url, body([{ role: 'user', content: 'mmexec run the build' }]), id)).status, 200);
      const history = [{ role: 'user', content: 'mmexec run the build' }, TOOL_USE];
      assert.equal((await postMessages(s.gateway.url, body([...history, { role: 'user', content: [RESULT] }]), id)).status, 200);
      const mm = s.minimax.requests.length;
      const ant = s.anthropic.requests.length;
      const r = await postMessages(s.gateway.url, body([...history, ...build('mmrelease stop here')]), id);
      assert.equal(r.status, 200);
      assert.equal(s.minimax.requests.length, mm, 'MiniMax does not get the release');
      assert.equal(s.anthropic.requests.length, ant + 1);
      const sent = s.anthropic.requests.at(-1)!.body.toString();
      assert.ok(!sent.includes('mmrelease'), 'no upstream sees the trigger word');
      assert.ok(sent.includes(JSON.stringify(typed('stop here')).slice(1, -1)), "Claude Code's wrapper stays around the rest of the text");
      assert.match((await postMessages(s.gateway.url, body([{ role: 'user', content: 'mmstatus' }]), id)).text, /current provider: Anthropic/);
    });
  }

  it('moves a session to MiniMax when `mmexec <task>` is typed during a tool run', async () => {
    const id = fresh();
    const r = await postMessages(s.gateway.url, body([{ role: 'user', content: 'run it' }, TOOL_USE, ...TYPED_FORMS[1]![1]('mmexec and then test it')]), id);
    assert.equal(r.status, 200);
    const sent = s.minimax.requests.at(-1)!.body.toString();
    assert.ok(!sent.includes('mmexec'));
    assert.match((await postMessages(s.gateway.url, body([{ role: 'user', content: 'mmstatus' }]), id)).text, /current provider: MiniMax/);
  });

  it('leaves a tool loop turn without typed text to stickiness alone', async () => {
    const id = fresh();
    const before = s.anthropic.requests.length;
    const r = await postMessages(s.gateway.url, body([{ role: 'user', content: 'run it' }, TOOL_USE, { role: 'user', content: [RESULT, REMINDER] }, ...TRAILING]), id);
    assert.equal(r.status, 200);
    assert.equal(s.anthropic.requests.length, before + 1);
  });

  it('drops the toggle words Claude Code merged after a teapot, in the new message and later in the history', async () => {
    const id = fresh();
    const merged = { role: 'user', content: [REMINDER, { type: 'text', text: 'mmstatus\n' }, { type: 'text', text: 'mmexec\n' }, { type: 'text', text: 'next please' }] };
    assert.equal((await postMessages(s.gateway.url, body([merged, ...TRAILING]), id)).status, 200);
    const first = s.anthropic.messageBodies().at(-1)!;
    assert.deepEqual(first.messages[0]!.content, [REMINDER, { type: 'text', text: 'next please' }]);
    const later = body([merged, { role: 'assistant', content: [{ type: 'text', text: 'echo: next please' }] }, { role: 'user', content: 'and more' }]);
    assert.equal((await postMessages(s.gateway.url, later, id)).status, 200);
    const second = s.anthropic.messageBodies().at(-1)!;
    assert.deepEqual(second.messages[0]!.content, [REMINDER, { type: 'text', text: 'next please' }]);
    assert.ok(!JSON.stringify(second).includes('mmstatus'));
  });

  it('keeps a message that holds nothing but a toggle word and its byte-identical neighbours', async () => {
    const sent = body([{ role: 'user', content: [{ type: 'text', text: 'what does mmstatus do?' }] }]);
    assert.equal((await postMessages(s.gateway.url, sent, fresh())).status, 200);
    assert.equal(s.anthropic.requests.at(-1)!.body.toString(), JSON.stringify(sent), 'a word inside other text is left alone, unparsed');
  });
  it('keeps triggers out of the history that later requests replay, as they were stripped the first time', async () => {
    const id = fresh();
    const first = [{ role: 'user', content: [REMINDER, { type: 'text', text: 'mmexec run the build' }] }];
    assert.equal((await postMessages(s.gateway.url, body(first), id)).status, 200);
    const firstSent = s.minimax.messageBodies().at(-1)!.messages[0];
    const typedTurn = TYPED_FORMS[1]![1]('mmrelease stop here');
    const history = [...first, TOOL_USE, ...typedTurn, { role: 'assistant', content: [{ type: 'text', text: 'stopped' }] }];
    assert.equal((await postMessages(s.gateway.url, body([...history.slice(0, 3)]), id)).status, 200);
    const ant = s.anthropic.requests.length;
    assert.equal((await postMessages(s.gateway.url, body([...history, { role: 'user', content: 'where are we' }]), id)).status, 200);
    assert.equal(s.anthropic.requests.length, ant + 1, 'the session stays released');
    const sent = s.anthropic.messageBodies().at(-1)!;
    assert.ok(!JSON.stringify(sent.messages).includes('mmrelease'), 'the typed trigger is stripped in the replayed tool_result turn');
    assert.ok(!JSON.stringify(sent.messages).includes('mmexec'), 'the first trigger is stripped in the history');
    assert.deepEqual(sent.messages[0], firstSent, 'the first turn has the bytes MiniMax got when its trigger was stripped');
  });

  it('strips nothing from a history without triggers, and leaves its bytes untouched', async () => {
    const sent = body([{ role: 'user', content: 'tell me about mmexec' }, { role: 'assistant', content: 'sure' }, { role: 'user', content: 'go on' }]);
    assert.equal((await postMessages(s.gateway.url, sent, fresh())).status, 200);
    assert.equal(s.anthropic.requests.at(-1)!.body.toString(), JSON.stringify(sent));
  });
});
