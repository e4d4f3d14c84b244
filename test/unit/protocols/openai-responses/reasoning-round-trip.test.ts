import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openaiResponses } from '../../../../src/protocols/openai-responses/index.js';
import { isReasoningSignature } from '../../../../src/protocols/openai-responses/reasoning-signature.js';
import { MemoryStore } from '../../../../src/state/memory-store.js';
import { convertMessages, isSelfHashSignature } from '../../../../src/thinking/convert.js';
import { ThinkingStore } from '../../../../src/thinking/thinking-store.js';
import type { Message } from '../../../../src/pipeline/messages.js';
import { requestErrors } from '../../../support/openai-responses-schemas.js';
import { accumulate, adapt, fixtureEvents, fixtureText } from './stream-support.js';

type Obj = Record<string, unknown>;

/** The reasoning items a recorded stream finished with (output_item.done). */
function reasoningItemsOf(name: string): Obj[] {
  return fixtureEvents(name)
    .map((e) => JSON.parse(e.data) as Obj)
    .filter((d) => d.type === 'response.output_item.done' && (d.item as Obj).type === 'reasoning')
    .map((d) => d.item as Obj);
}

/** The next turn Claude Code sends after an answer: the answer's blocks, then the tool's result. */
function nextTurn(blocks: Obj[]): Obj {
  const tool = blocks.find((b) => b.type === 'tool_use');
  const result = tool ? [{ type: 'tool_result', tool_use_id: tool.id, content: 'done' }] : [{ type: 'text', text: 'thanks' }];
  return {
    model: 'claude-opus-4-8',
    max_tokens: 32000,
    thinking: { type: 'adaptive' },
    stream: true,
    messages: [{ role: 'user', content: 'please run the tool' }, { role: 'assistant', content: blocks }, { role: 'user', content: result }],
  };
}

describe('reasoning round trip through the thinking signature', () => {
  for (const name of ['reasoning-tool-call.sse', 'reasoning-unsummarised.sse']) {
    it(`sends the reasoning item of ${name} back as it came on the next turn`, () => {
      const blocks = accumulate(adapt(fixtureText(name))).blocks;
      const { body } = openaiResponses.translateRequest(nextTurn(blocks), { model: 'gpt-5.4' });
      assert.deepEqual(requestErrors(body), []);
      const sent = ((body as Obj).input as Obj[]).filter((i) => i.type === 'reasoning');
      assert.deepEqual(sent, reasoningItemsOf(name));
    });
  }

  it('sends the reasoning item of a buffered answer back as it came', () => {
    const answer = JSON.parse(fixtureText('answer.json')) as { output: Obj[] };
    const msg = openaiResponses.translateAnswer(answer, 'claude-opus-4-8') as { content: Obj[] };
    const { body } = openaiResponses.translateRequest(nextTurn(msg.content), { model: 'gpt-5.4' });
    const sent = ((body as Obj).input as Obj[]).filter((i) => i.type === 'reasoning');
    assert.deepEqual(sent, answer.output.filter((i) => i.type === 'reasoning'));
  });

  it('keeps the call ids, so function_call_output answers the function_call', () => {
    const blocks = accumulate(adapt(fixtureText('reasoning-tool-call.sse'))).blocks;
    const input = (openaiResponses.translateRequest(nextTurn(blocks), { model: 'gpt-5.4' }).body as Obj).input as Obj[];
    const call = input.find((i) => i.type === 'function_call')!;
    const output = input.find((i) => i.type === 'function_call_output')!;
    assert.equal(call.call_id, 'call_Q3kd81LmZp0vXy7TnB4e');
    assert.equal(output.call_id, call.call_id);
  });

  it('makes thinking blocks that no Anthropic or self-hash signature check can mistake for its own', () => {
    for (const b of accumulate(adapt(fixtureText('reasoning-tool-call.sse'))).blocks.filter((x) => x.type === 'thinking')) {
      assert.ok(isReasoningSignature(b.signature));
      assert.equal(isSelfHashSignature(b.thinking as string, b.signature as string), false);
      assert.ok((b.thinking as string).trim() !== '');
    }
  });

  it('lets the thinking recorder convert the blocks to text when the session moves to Anthropic', async () => {
    const memory = new MemoryStore();
    const store = new ThinkingStore(memory, 3600, () => {});
    const messages: Message[] = [];
    for (const name of ['reasoning-tool-call.sse', 'reasoning-unsummarised.sse']) {
      const blocks = accumulate(adapt(fixtureText(name))).blocks;
      // What the recorder tap does with each thinking block of a non-Anthropic answer.
      for (const b of blocks.filter((x) => x.type === 'thinking')) await store.record(b.thinking as string, b.signature as string);
      messages.push({ role: 'assistant', content: blocks as Message['content'] });
    }
    // A gateway restarted since: only the recorded hashes tell the blocks apart.
    const fresh = new ThinkingStore(memory, 3600, () => {});
    const conversion = await convertMessages(messages, fresh);
    assert.equal(conversion.count, 2);
    assert.ok(messages.every((m) => (m.content as Obj[]).every((b) => b.type !== 'thinking')));
  });
});
