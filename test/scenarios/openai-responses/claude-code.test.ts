/**
 * The real Claude Code CLI through the gateway to an openai-responses upstream: the strict Responses fake answers
 * with reasoning and a Bash function call, Claude Code runs it and sends the result back with the reasoning item
 * (carried in the thinking block's signature); `mmrelease` then returns the session to the strict Anthropic fake,
 * which accepts the history the Responses turns left (call ids kept, thinking turned into text).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { THOUGHT_PREFIX } from '../../../src/thinking/convert.js';
import { startClaude } from '../../support/claude-cli.js';
import { claudeRelease, DEFAULT_VERSION, releaseSkip } from '../../support/claude-releases.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { startFakeResponses, type FakeResponses, type ScriptedReply } from '../../support/fake-openai-responses.js';
import { protocolRules } from '../../support/protocol-rules.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';

const KEY = 'sk-openai-responses-cli';
const CLIENT_KEY = 'sk-ant-client-cli';
const release = claudeRelease(DEFAULT_VERSION);
/** Claude Code asks for adaptive thinking on this model, so its requests carry thinking settings to translate. */
const ADAPTIVE_MODEL = 'claude-opus-4-8';
const REASONING = { summary: 'The user wants the shell to print a word.', encrypted: 'gAAAAABoClaudeCodeRoundTrip==' };

function rules(responses: string, anthropic: string): string {
  return protocolRules({ anthropic, url: `${responses}/v1`, protocol: 'openai-responses', model: 'gpt-5.4', response: ['restore-model'] });
}

type Obj = Record<string, unknown>;
const lastItem = (body: Obj): Obj => (body.input as Obj[]).at(-1)!;
const texts = (item: Obj): string => (Array.isArray(item.content) ? (item.content as Obj[]).map((p) => String(p.text ?? '')).join(' ') : '');

/** Reasoning and a Bash call for the prompt, the tool's output echoed after it ran, "ok" otherwise. */
function answer(body: Obj): ScriptedReply {
  const last = lastItem(body);
  if (last.type === 'function_call_output') return { stream: { text: `the tool said: ${String(last.output).trim()}` } };
  if (texts(last).includes('say hi')) {
    return { stream: { reasoning: REASONING, calls: [{ callId: 'call_cli1', name: 'Bash', arguments: JSON.stringify({ command: 'echo hi-from-tool', description: 'Print a word' }) }] } };
  }
  return { stream: { text: 'ok' } };
}

describe(`Claude Code ${release.version} with an openai-responses upstream`, { skip: releaseSkip(release) }, () => {
  let fake: FakeResponses;
  let anthropic: FakeAnthropic;
  let gw: TestGateway;
  before(async () => {
    fake = await startFakeResponses({ key: KEY });
    fake.reply = answer;
    anthropic = await startFakeAnthropic();
    gw = await startTestGateway(rules(fake.url, anthropic.url), { env: { OPENAI_API_KEY: KEY } });
  });
  after(async () => {
    await gw?.close();
    await fake?.close();
    await anthropic?.close();
  });

  it('runs a tool loop with reasoning on the Responses fake, then Anthropic accepts the history after mmrelease', { timeout: 120_000 }, async () => {
    const claude = startClaude({ bin: release.bin, baseUrl: gw.url, apiKey: CLIENT_KEY, model: ADAPTIVE_MODEL, tools: 'Bash', allowedTools: 'Bash', turnTimeoutMs: 60_000 });
    try {
      const first = await claude.turn('mmexec say hi with the shell');
      assert.deepEqual([first.is_error, first.result], [false, 'the tool said: hi-from-tool'], claude.stderr());
      const toolTurn = fake.received.find((b) => lastItem(b).type === 'function_call_output')!;
      assert.ok(toolTurn, 'the fake saw the tool result');
      const input = toolTurn.input as Obj[];
      assert.deepEqual(input.find((i) => i.type === 'reasoning'), { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: REASONING.summary }], encrypted_content: REASONING.encrypted }, 'Claude Code sent the reasoning item back');
      assert.equal(input.find((i) => i.type === 'function_call')?.call_id, 'call_cli1');
      assert.equal(lastItem(toolTurn).call_id, 'call_cli1');
      for (const h of fake.headers) assert.ok(!JSON.stringify(h).includes(CLIENT_KEY), "the Responses server never sees the client's Anthropic key");

      const back = await claude.turn('mmrelease summarise');
      assert.equal(back.is_error, false, back.result);
      const blocks = anthropic.messageBodies().at(-1)!.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
      assert.ok(blocks.some((b) => b.type === 'tool_use' && b.id === 'call_cli1'), 'the function call is in the history Anthropic accepted');
      assert.ok(blocks.some((b) => b.type === 'text' && String(b.text) === `${THOUGHT_PREFIX}${REASONING.summary}`), "the reasoning summary reached Anthropic as text");
      assert.ok(!blocks.some((b) => b.type === 'thinking' && String(b.signature).startsWith('mmexec:')), 'no reasoning signature reached Anthropic');
    } finally {
      await claude.close();
    }
  });
});
