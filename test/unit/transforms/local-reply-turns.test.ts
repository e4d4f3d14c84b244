import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedConfig } from '../../../src/config/load.js';
import type { Message } from '../../../src/pipeline/messages.js';
import { RequestBody } from '../../../src/body/request-body.js';
import { localReplyRuns, replyTextPatterns, type TurnSource } from '../../../src/transforms/local-reply-turns.js';

const loaded = {
  config: {
    routes: [
      { name: 'status', reply: { as: 'message', text: 'current provider: {{sticky}} for {{ model }}.' } },
      { name: 'switch', reply: { as: 'message', text: ['One (a).', 'Two?'] } },
      { name: 'forward', upstream: 'a' },
    ],
  },
} as unknown as LoadedConfig;

const user = (content: Message['content']): Message => ({ role: 'user', content });
const assistant = (text: string): Message => ({ role: 'assistant', content: [{ type: 'text', text }] });
const system = (text: string): Message => ({ role: 'system', content: text });

/** Runs the search over a request body and applies it, as drop-reply-leftovers does. */
function dropped(messages: Message[], words = ['mmexec', 'mmstatus']): Message[] {
  const body = new RequestBody(Buffer.from(JSON.stringify({ messages })));
  const src: TurnSource = { message: (i) => body.message(i), words: new Set(words), patterns: replyTextPatterns(loaded), tidy: (m) => m };
  body.replaceMessageRuns(localReplyRuns(src, messages.map((_m, i) => i)));
  return (JSON.parse(body.outgoing().toString('utf8')) as { messages: Message[] }).messages;
}

describe('local reply turns', () => {
  it('matches whole reply texts, the placeholders matching anything and nothing else', () => {
    const p = replyTextPatterns(loaded);
    const any = (t: string): boolean => p.some((r) => r.test(t));
    assert.deepEqual([any('current provider: minimax for claude-opus-4-8.'), any('One (a).'), any('Two?'), any('Two'), any('One (a). and more')], [true, true, true, false, false]);
  });

  const cases: Array<[string, Message[], Message[]]> = [
    ['drops the word turn and its reply', [user('mmexec'), assistant('Two?'), user('go')], [user('go')]],
    ['keeps the system turns between them, several as one', [user('mmexec'), system('a'), system('b'), assistant('One (a).'), user('go')], [{ role: 'system', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }, user('go')]],
    ['moves the rest of the word turn into the next one', [user([{ type: 'text', text: '<r/>' }, { type: 'text', text: 'mmstatus' }]), assistant('current provider: none for m.'), user('go')], [user([{ type: 'text', text: '<r/>' }, { type: 'text', text: 'go' }])]],
    ['keeps a reply without the word before it', [user('say it'), assistant('Two?'), user('go')], [user('say it'), assistant('Two?'), user('go')]],
    ['keeps the word when the answer was a model reply', [user('mmexec'), assistant('something else'), user('go')], [user('mmexec'), assistant('something else'), user('go')]],
    ['keeps the last pair when nothing follows it', [user('mmexec'), assistant('Two?')], [user('mmexec'), assistant('Two?')]],
  ];
  for (const [name, messages, expected] of cases) {
    it(name, () => assert.deepEqual(dropped(messages), expected));
  }
});
