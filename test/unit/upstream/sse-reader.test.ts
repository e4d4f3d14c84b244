import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseReader, parseEvent } from '../../../src/upstream/sse-reader.js';

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

  it('reads a 16 MB event fed in 16 KB chunks in linear time', () => {
    const event = `event: content_block_delta\ndata: {"text":"${'z'.repeat(16 * 1024 * 1024)}"}\n\n`;
    const bytes = Buffer.from(event + 'event: message_stop\ndata: {}\n\n');
    const r = new SseReader();
    const t0 = performance.now();
    const events = [];
    for (let i = 0; i < bytes.length; i += 16 * 1024) events.push(...r.push(bytes.subarray(i, i + 16 * 1024)));
    const took = performance.now() - t0;
    assert.deepEqual(events.map((e) => e.event), ['content_block_delta', 'message_stop']);
    assert.equal(events[0]!.raw, event);
    // Rescanning from the start on each chunk took seconds here; one pass takes tens of milliseconds.
    assert.ok(took < 1500, `took ${took} ms`);
  });

  it('flags an event over the cap as soon as the bytes held pass it, and reads nothing after', () => {
    const r = new SseReader(1000);
    const first = r.push('event: ping\ndata: {}\n\nevent: content_block_delta\ndata: "' + 'a'.repeat(600));
    assert.deepEqual(first.map((e) => e.event), ['ping'], 'events before the large one are returned');
    assert.equal(r.tooLarge, false);
    assert.deepEqual(r.push('b'.repeat(600)), []);
    assert.equal(r.tooLarge, true, 'over the cap before the event ended');
    assert.deepEqual(r.push('"\n\nevent: message_stop\ndata: {}\n\n'), []);
  });

  it('flags a complete event over the cap that arrives in one chunk, counting bytes, not characters', () => {
    const r = new SseReader(100);
    const events = r.push(`event: message_start\ndata: {}\n\nevent: x\ndata: ${'☕'.repeat(30)}\n\nevent: message_stop\ndata: {}\n\n`);
    assert.deepEqual(events.map((e) => e.event), ['message_start']);
    assert.equal(r.tooLarge, true, '30 three-byte characters are 90 bytes, the event over 100');
    const small = new SseReader(100);
    assert.deepEqual(small.push(`event: x\ndata: ${'a'.repeat(30)}\n\n`).map((e) => e.event), ['x']);
    assert.equal(small.tooLarge, false);
  });
});
