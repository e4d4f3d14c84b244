/**
 * The HTTP forwarder lets go of an attempt's body bytes once they are sent: the answer may stream for minutes,
 * and neither the attempt's closures nor http-proxy's options (which live that long) may keep the body alive.
 */
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import { NULL_RECORDER } from '../../../src/metrics/types.js';
import { RequestContext, type Services } from '../../../src/pipeline/context.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { MemoryStore } from '../../../src/state/memory-store.js';
import { StateErrors } from '../../../src/state/state-errors.js';
import { ThinkingStore } from '../../../src/thinking/thinking-store.js';
import { httpForwarder } from '../../../src/upstream/forward.js';
import { closeServer, listenLocal } from '../../support/free-port.js';
import { rawUpstream, ruleFile, writeRuleFile } from '../../support/rule-file-gateway.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function services(): Services {
  const store = new MemoryStore();
  const log = createLogger({ silent: true });
  return { store, stateErrors: new StateErrors(NULL_RECORDER, log), thinking: new ThinkingStore(store, 60, () => {}), recorder: NULL_RECORDER, log, instanceId: 'test', env: {} };
}

describe('http forwarder', () => {
  const closers: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('holds no reference to the body it sent while the answer is still streaming', async () => {
    let received = 0;
    const openAnswers: ServerResponse[] = [];
    // Reads the whole body, then starts an event stream and leaves it open.
    const up = await rawUpstream((req, res) => {
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: ping\ndata: {"type":"ping"}\n\n');
        openAnswers.push(res);
      });
    });
    closers.push(() => up.close());
    closers.push(() => openAnswers.forEach((r) => r.destroy()));
    const plan = compilePlan(loadConfig(writeRuleFile(ruleFile({ up: { url: up.url } })), { env: {} }), {}).plan;
    const upstream = plan.upstreams.get('up')!;
    closers.push(() => upstream.agent.destroy());

    const size = 4 * 1024 * 1024;
    let sent: WeakRef<Buffer> | undefined;
    let answer: IncomingMessage | undefined;
    const front = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      const ctx = new RequestContext('req_fw', plan, services(), 'POST', '/v1/messages', { 'content-type': 'application/json' }, Buffer.alloc(0), undefined, { start: 0, bodyEnd: 0 });
      ctx.upstream = upstream;
      // The body exists only while the forwarder holds it.
      ctx.outgoingBody = (): Buffer => {
        const body = Buffer.alloc(size, 0x61);
        sent = new WeakRef(body);
        return body;
      };
      void httpForwarder(req, res).attempt(ctx, upstream).then((a) => {
        assert.ok(a.ok, 'the attempt reached the upstream');
        answer = a.answer;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        a.answer.pipe(res);
      });
    });
    const frontUrl = await listenLocal(front);
    closers.push(() => closeServer(front));

    const client = request(`${frontUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    const firstEvent = new Promise<void>((resolve, reject) => {
      client.on('response', (res) => res.once('data', () => resolve()));
      client.on('error', reject);
    });
    client.end('{}');
    closers.push(() => void client.destroy());
    await firstEvent;
    assert.equal(received, size, 'the upstream got the whole body');
    assert.ok(answer && !answer.complete, 'the answer is still streaming');

    // WeakRefs are kept until the current job ends: let it end before collecting.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    gc();
    assert.equal(sent?.deref(), undefined, 'the sent body was collected while its answer streams');
  });
});
