import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseReader, parseEvent } from '../../src/upstream/sse-reader.js';

const STREAM =
  'event: message_start\ndata: {"type":"message_start","message":{"model":"m","usage":{"input_tokens":3}}}\n\n' +
  ': keep-alive\n\n' +
  'event: content_block_delta\r\ndata: {"type":"content_block_delta","delta":{"text":"h\u00e9llo ☕"}}\r\n\r\n' +
  'event: ping\ndata: {"type": "ping"}\n\n' +
  'data: line one\ndata: line two\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

describe('SSE reader', () => {
  it('reads every event whatever the chunk boundaries, multibyte characters included', () => {
    const bytes = Buffer.from(STREAM);
    const whole = new SseReader().push(bytes);
    assert.deepEqual(whole.map((e) => e.event), ['message_start', 'comment', 'content_block_delta', 'ping', 'message', 'message_stop']);
    assert.equal(whole.map((e) => e.raw).join(''), STREAM, 'raw text is kept exactly');
    for (let cut = 1; cut < bytes.length; cut++) {
      const r = new SseReader();
      const events = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
      assert.deepEqual(events, whole, `split at byte ${cut}`);
    }
    const r = new SseReader();
    const oneByOne = [...bytes].flatMap((b) => r.push(Buffer.from([b])));
    assert.deepEqual(oneByOne, whole);
  });

  it('joins multi-line data and keeps the incomplete tail', () => {
    assert.equal(parseEvent('data: line one\ndata: line two\n\n')!.data, 'line one\nline two');
    const r = new SseReader();
    assert.deepEqual(r.push('event: message_delta\ndata: {"a"'), []);
    assert.equal(r.rest(), 'event: message_delta\ndata: {"a"');
  });
});
