/** Message facts: computed once per distinct message bytes, whichever request's buffer they come in. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsOf } from '../../../src/body/message-facts.js';
import { RequestBody } from '../../../src/body/request-body.js';

describe('message facts', () => {
  it('derives a value once for the same bytes in another buffer, and again for other bytes', () => {
    const kind = Symbol('test kind');
    let calls = 0;
    const derive = (b: Buffer): number => (calls++, b.length);
    const message = '{"role":"assistant","content":[{"type":"text","text":"unique words 7f3a"}]}';
    assert.equal(factsOf(Buffer.from(message)).derive(kind, derive), message.length);
    assert.equal(factsOf(Buffer.from(` ${message}`.slice(1))).derive(kind, derive), message.length);
    assert.equal(calls, 1);
    factsOf(Buffer.from(message.replace('7f3a', '7f3b'))).derive(kind, derive);
    assert.equal(calls, 2);
  });

  it('answers which messages hold a needle the same way for a history sent again with one more message', () => {
    const history = [
      { role: 'user', content: [{ type: 'text', text: 'mmstatus\n' }, { type: 'text', text: 'go on 91c2' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'done 91c2' }] },
    ];
    const needles = [Buffer.from('mmstatus'), Buffer.from('mmexec')];
    const first = new RequestBody(Buffer.from(JSON.stringify({ model: 'm', messages: history })));
    assert.deepEqual(first.messagesHolding(needles), [0]);
    const next = [...history, { role: 'user', content: 'mmexec fix it 91c2' }];
    const second = new RequestBody(Buffer.from(JSON.stringify({ model: 'm', messages: next })));
    assert.deepEqual(second.messagesHolding(needles), [0, 2]);
    assert.deepEqual(second.messagesHolding([Buffer.from('done 91c2')]), [1]);
    assert.deepEqual(second.messagesHolding([]), []);
  });
});
