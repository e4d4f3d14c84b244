/**
 * Response stages in a running gateway: a stage that throws ends only its own response (with an Anthropic
 * error, or an error event mid-stream) and is counted; a stage with onEvent and no events filter sees every event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { TRANSFORMS } from '../../../src/transforms/registry.js';
import type { TransformDefinition } from '../../../src/transforms/transform.js';
import { errorOf, gatewayFor, messagesBody, metricValue, rawUpstream, ruleFile, send, sseMessage, type RawUpstream } from '../../support/rule-file-gateway.js';

const seen: string[] = [];

/** Test-only response transforms, registered under names no built-in uses. */
const TEST_TRANSFORMS: TransformDefinition[] = [
  {
    name: 'test-throw',
    phase: 'response',
    description: 'throws from the hook named by its parameter',
    paramsSchema: { type: 'string' },
    compile: (hook) => ({
      name: `test-throw:${String(hook)}`,
      [String(hook)]: () => {
        throw new Error(`test-throw in ${String(hook)}`);
      },
    }),
  },
  {
    name: 'test-see-all',
    phase: 'response',
    description: 'records the name of every event it is given',
    compile: () => ({ name: 'test-see-all', onEvent: (_ctx, ev) => void seen.push(ev.event) }),
  },
];

const routes = (hooks: string[]): string[] => [
  ...hooks.map((hook) => [`  - name: throw-${hook.toLowerCase()}`, `    when: { last_user_text: { equals: "${hook}" } }`, '    upstream: up', `    response: [{ test-throw: ${hook} }]`]).flat(),
  '  - name: see-all',
  '    when: { last_user_text: { equals: "see all" } }',
  '    upstream: up',
  '    response: [test-see-all]',
  '  - name: plain',
  '    upstream: up',
];

describe('response stages through the guarded runner', () => {
  let up: RawUpstream;
  let gw: RunningGateway;
  before(async () => {
    for (const t of TEST_TRANSFORMS) (TRANSFORMS as Map<string, TransformDefinition>).set(t.name, t);
    up = await rawUpstream((req, res) => {
      const streaming = req.headers.accept === 'text/event-stream';
      req.resume();
      if (streaming) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(sseMessage('hello there').join(''));
      } else {
        const body = JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    });
    gw = await gatewayFor(ruleFile({ up: { url: up.url } }, { routes: routes(['onEvent', 'onBody', 'onResponseHead', 'onEnd']) }));
  });
  after(async () => {
    await gw?.close();
    await up?.close();
    for (const t of TEST_TRANSFORMS) (TRANSFORMS as Map<string, TransformDefinition>).delete(t.name);
  });

  const ask = (text: string, stream: boolean) =>
    send(gw.url, { headers: stream ? { accept: 'text/event-stream' } : {}, body: JSON.stringify(messagesBody({ stream, messages: [{ role: 'user', content: text }] })) });

  it('ends a stream whose stage throws mid-stream with an error event, and keeps serving', async () => {
    const r = await ask('onEvent', true);
    assert.equal(r.status, 200);
    assert.match(r.body, /event: error\ndata: .*"api_error".*test-throw:onEvent/);
    assert.doesNotMatch(r.body, /event: message_stop/);
    assert.equal((await ask('anything else', true)).status, 200);
    assert.equal(await metricValue(gw, 'mmexec_stage_errors_total', { stage: 'test-throw:onEvent' }), 1);
  });

  for (const hook of ['onBody', 'onResponseHead']) {
    it(`answers 500 api_error when a stage throws in ${hook}`, async () => {
      const r = await ask(hook, false);
      assert.equal(r.status, 500);
      assert.equal(errorOf(r.body).type, 'api_error');
      assert.match(errorOf(r.body).message, new RegExp(`test-throw:${hook}`));
      assert.equal(await metricValue(gw, 'mmexec_stage_errors_total', { stage: `test-throw:${hook}` }), 1);
    });
  }

  it('counts a stage that throws in onEnd and still answers', async () => {
    const r = await ask('onEnd', false);
    assert.equal(r.status, 200);
    assert.equal(await metricValue(gw, 'mmexec_stage_errors_total', { stage: 'test-throw:onEnd' }), 1);
  });

  it('gives a stage with onEvent and no events filter every event of the stream', async () => {
    seen.length = 0;
    const r = await ask('see all', true);
    assert.match(r.body, /event: message_stop/);
    assert.deepEqual(seen, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });
});
