/**
 * The real Claude Code CLI through the gateway to an openai-chat upstream: the strict Chat Completions fake answers
 * with a Bash tool call, Claude Code runs it, the fake sees the tool's output and finishes; `mmrelease` then
 * returns the session to the strict Anthropic fake, which accepts the history the OpenAI turns left (tool ids,
 * thinking turned into text). The OpenAI turns' cost shows in /metrics at gpt-5.4-mini's price.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startClaude } from '../../support/claude-cli.js';
import { claudeRelease, DEFAULT_VERSION, releaseSkip } from '../../support/claude-releases.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeOpenAIChat, type FakeOpenAIChat } from '../../support/fake-openai-chat.js';
import { protocolRules } from '../../support/protocol-rules.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';
import { THOUGHT_PREFIX } from '../../../src/thinking/convert.js';

const KEY = 'sk-openai-cli';
const CLIENT_KEY = 'sk-ant-client-cli';
const METRICS_TOKEN = 'metrics-cli';
const release = claudeRelease(DEFAULT_VERSION);
/** Claude Code asks for adaptive thinking on this model, so its requests carry thinking settings to translate. */
const ADAPTIVE_MODEL = 'claude-opus-4-8';

function rules(openai: string, anthropic: string): string {
  return protocolRules({ anthropic, url: openai, protocol: 'openai-chat', model: 'gpt-5.4-mini', head: `server: { metrics_token: ${METRICS_TOKEN} }`, response: ['restore-model'] });
}

type Obj = Record<string, unknown>;
const lastMessage = (body: Obj): Obj => (body.messages as Obj[]).at(-1)!;

describe(`Claude Code ${release.version} with an openai-chat upstream`, { skip: releaseSkip(release) }, () => {
  let chat: FakeOpenAIChat;
  let anthropic: FakeAnthropic;
  let gw: TestGateway;
  before(async () => {
    chat = await startFakeOpenAIChat({ key: KEY });
    anthropic = await startFakeAnthropic();
    gw = await startTestGateway(rules(chat.url, anthropic.url), { env: { OPENAI_API_KEY: KEY } });
  });
  after(async () => {
    await gw?.close();
    await chat?.close();
    await anthropic?.close();
  });

  it('runs a tool loop on the OpenAI fake, then Anthropic accepts the history after mmrelease', { timeout: 120_000 }, async (t) => {
    chat.reply = (body) => {
      const last = lastMessage(body);
      if (last.role === 'tool') return { reasoning: 'The command printed its word.', text: `the tool said: ${String(last.content).trim()}`, usage: { prompt: 1000, completion: 50 } };
      if (String(last.content).includes('say hi')) return { toolCalls: [{ id: 'call_cli1', name: 'Bash', arguments: JSON.stringify({ command: 'echo hi-from-tool', description: 'Print a word' }) }], usage: { prompt: 1000, completion: 50 } };
      return { text: 'ok', usage: { prompt: 1000, completion: 50 } };
    };
    const claude = startClaude({ bin: release.bin, baseUrl: gw.url, apiKey: CLIENT_KEY, model: ADAPTIVE_MODEL, tools: 'Bash', allowedTools: 'Bash', turnTimeoutMs: 60_000 });
    try {
      const first = await claude.turn('mmexec say hi with the shell');
      assert.deepEqual([first.is_error, first.result], [false, 'the tool said: hi-from-tool'], claude.stderr());
      const bodies = chat.bodies();
      const toolTurn = bodies.find((b) => lastMessage(b).role === 'tool')!;
      assert.ok(toolTurn, 'the fake saw the tool result');
      const assistant = (toolTurn.messages as Obj[]).at(-2)!;
      assert.deepEqual((assistant.tool_calls as Obj[]).map((c) => c.id), ['call_cli1'], 'the tool call id made the round trip');
      assert.equal(lastMessage(toolTurn).tool_call_id, 'call_cli1');
      assert.deepEqual(chat.refusals, []);
      for (const r of chat.requests) assert.ok(!JSON.stringify(r.headers).includes(CLIENT_KEY), "the OpenAI server never sees the client's Anthropic key");

      const back = await claude.turn('mmrelease summarise');
      assert.equal(back.is_error, false, back.result);
      // The turn's own request: Claude Code may send a background request (a title, a summary) after it.
      const blocksOf = (body: { messages: Obj[] }): Obj[] => body.messages.flatMap((m) => (Array.isArray(m.content) ? (m.content as Obj[]) : []));
      const sent = [...anthropic.messageBodies()].reverse().find((b) => blocksOf(b as unknown as { messages: Obj[] }).some((x) => x.type === 'tool_use' && x.id === 'call_cli1'));
      assert.ok(sent, `the OpenAI tool call is in the history Anthropic accepted (${anthropic.messageBodies().length} requests reached Anthropic)`);
      const blocks = blocksOf(sent as unknown as { messages: Obj[] });
      assert.ok(!blocks.some((b) => b.type === 'thinking' && !b.signature), 'no unsigned thinking reached Anthropic');
      // Wherever the OpenAI turn's reasoning reached Anthropic, it came as a text block. Claude Code usually
      // keeps it in the history; on a loaded machine 2.1.197 has been seen sending that history without it.
      const reasoning = 'The command printed its word.';
      const carrying = blocks.filter((b) => JSON.stringify(b).includes(reasoning));
      assert.ok(carrying.every((b) => b.type === 'text' && String(b.text) === THOUGHT_PREFIX + reasoning), `the OpenAI turn's thinking reached Anthropic as text (blocks: ${blocks.map((b) => String(b.type)).join(', ')})`);
      if (carrying.length === 0) t.diagnostic(`Claude Code sent the history without the OpenAI turn's thinking (blocks: ${blocks.map((b) => String(b.type)).join(', ')})`);
    } finally {
      await claude.close();
    }
    const turns = chat.bodies().length;
    const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const line = (await res.text()).split('\n').find((l) => l.startsWith('mmexec_cost_usd_total{') && l.includes('upstream="openai"') && l.includes('model="gpt-5.4-mini"'));
    const expected = (turns * (1000 * 0.75 + 50 * 4.5)) / 1e6;
    assert.ok(line, 'a cost series for the OpenAI model');
    assert.ok(Math.abs(Number(line.split(' ').at(-1)) - expected) < 1e-9, `${line} vs ${expected} for ${turns} turns`);
  });
});
