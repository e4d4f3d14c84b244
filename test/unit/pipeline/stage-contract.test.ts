/**
 * The stage contract, checked for every registered transform: it compiles to a stage of its phase, and
 * its hooks run through the guarded runner on a sample request and on sample answers (streamed and
 * buffered, success and error) without a failure escaping as anything but a GatewayError. The runner
 * itself turns a throwing stage into a counted, logged `transform_failed`.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { GatewayError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import { NULL_RECORDER, type MetricsRecorder } from '../../../src/metrics/types.js';
import { RequestContext, type Services } from '../../../src/pipeline/context.js';
import { parseBody } from '../../../src/pipeline/parse-body.js';
import { runBody, runEnd, runEvent, runHead, runRequestStages } from '../../../src/pipeline/run-stages.js';
import type { RequestStage, ResponseStage, Stage } from '../../../src/pipeline/stage.js';
import { CompileContext } from '../../../src/plan/compile-context.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import { StateErrors } from '../../../src/state/state-errors.js';
import { ThinkingStore } from '../../../src/thinking/thinking-store.js';
import { TRANSFORMS } from '../../../src/transforms/registry.js';
import { parseEvent } from '../../../src/upstream/sse-reader.js';
import { ruleFile, sseMessage, writeRuleFile } from '../../support/rule-file-gateway.js';

/** Parameters each registered transform is compiled with; a transform that needs some must be listed here. */
const SAMPLE_PARAMS: Record<string, unknown> = {
  'set-model': { model: 'other-model' },
  'drop-fields': { fields: ['metadata'] },
  'set-fields': { fields: { temperature: 0.5 } },
  jsonata: '$',
};

const BODY = { model: 'claude-opus-4-8', max_tokens: 64, stream: true, metadata: { user_id: 'u' }, messages: [{ role: 'user', content: [{ type: 'text', text: 'mmexec hello' }] }] };

function services(recorder: MetricsRecorder = NULL_RECORDER): Services {
  const store = new MemoryStore();
  const log = createLogger({ silent: true });
  return { store, stateErrors: new StateErrors(NULL_RECORDER, log), thinking: new ThinkingStore(store, 60, () => {}), recorder, log, instanceId: 'test', env: {} };
}

const loaded = loadConfig(writeRuleFile(ruleFile({ up: { url: 'http://127.0.0.1:9' } })), { env: {} });
const plan = compilePlan(loaded, {}).plan;
after(() => plan.upstreams.get('up')!.agent.destroy());

function context(recorder?: MetricsRecorder): RequestContext {
  const raw = Buffer.from(JSON.stringify(BODY));
  const ctx = new RequestContext('req_contract', plan, services(recorder), 'POST', '/v1/messages', {}, raw, parseBody('POST', '/v1/messages', raw), { start: 0, bodyEnd: 0 });
  ctx.upstream = plan.upstreams.get('up');
  return ctx;
}

function compile(name: string): Stage {
  const def = TRANSFORMS.get(name)!;
  const cc = new CompileContext(loaded);
  const stage = def.compile(SAMPLE_PARAMS[name], cc, ['test', name]);
  assert.deepEqual(cc.issues, [], `${name} compiles without issues`);
  assert.ok(stage, `${name} compiles to a stage`);
  return stage;
}

/** Runs a hook through the runner; only a GatewayError may come out of it. */
async function guarded(name: string, run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof GatewayError, `${name}: a failure leaves the runner as a GatewayError, got ${String(err)}`);
  }
}

describe('the stage contract', () => {
  it('has sample parameters for every transform that needs them', () => {
    for (const def of TRANSFORMS.values()) {
      if (def.paramsSchema && !def.paramsOptional) assert.ok(def.name in SAMPLE_PARAMS, `add sample parameters for "${def.name}"`);
    }
  });

  for (const def of TRANSFORMS.values()) {
    it(`runs ${def.phase} transform ${def.name} through the guarded runner`, async () => {
      const stage = compile(def.name);
      assert.equal(typeof stage.name, 'string');
      if (def.phase === 'request') {
        assert.equal(typeof (stage as RequestStage).onRequest, 'function', 'a request stage has onRequest');
        const ctx = context();
        await guarded(def.name, () => runRequestStages(ctx, [stage as RequestStage]));
        assert.ok(Buffer.isBuffer(ctx.outgoingBody()));
        return;
      }
      assert.equal('onRequest' in stage, false, 'a response stage has no onRequest');
      const stages = [stage as ResponseStage];
      const ctx = context();
      await guarded(def.name, () => runHead(ctx, stages, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
      for (const text of sseMessage('hello')) {
        const ev = parseEvent(text)!;
        ev.json = JSON.parse(ev.data);
        await guarded(def.name, () => assert.equal(typeof runEvent(ctx, stages, ev).raw, 'string'));
      }
      for (const [status, json] of [[200, { type: 'message', model: 'm', content: [] }], [529, { type: 'error', error: { type: 'overloaded_error', message: 'busy' } }]] as const) {
        await guarded(def.name, () => assert.ok(Buffer.isBuffer(runBody(ctx, stages, { status, json, raw: Buffer.from(JSON.stringify(json)) }).raw)));
      }
      runEnd(ctx, stages);
    });
  }

  it('turns a stage that throws into a counted transform_failed, and runs the other stages onEnd', () => {
    const failed: string[] = [];
    const ctx = context({ ...NULL_RECORDER, stageFailed: (s) => void failed.push(s) });
    const boom: ResponseStage = { name: 'boom', onBody: () => { throw new TypeError('x is undefined'); }, onEnd: () => { throw new Error('end'); } };
    let ended = false;
    assert.throws(() => runBody(ctx, [boom], { status: 200, json: {}, raw: Buffer.from('{}') }), (err: unknown) => err instanceof GatewayError && err.code === 'transform_failed' && /boom/.test(err.message));
    runEnd(ctx, [boom, { name: 'after', onEnd: () => void (ended = true) }]);
    assert.deepEqual(failed, ['boom', 'boom']);
    assert.equal(ended, true);
  });

  it("passes a request stage's own GatewayError unchanged and uncounted", async () => {
    const failed: string[] = [];
    const ctx = context({ ...NULL_RECORDER, stageFailed: (s) => void failed.push(s) });
    const refuse: RequestStage = { name: 'refuse', onRequest: () => { throw new GatewayError('prompt_too_long', 'too long'); } };
    await assert.rejects(runRequestStages(ctx, [refuse]), (err: unknown) => err instanceof GatewayError && err.code === 'prompt_too_long');
    assert.deepEqual(failed, []);
  });
});
