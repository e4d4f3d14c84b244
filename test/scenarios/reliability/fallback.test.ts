import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { freePort } from '../../support/free-port.js';
import { errorOf, gatewayFor, messagesBody, rawUpstream, ruleFile, send, sseMessage, type RawUpstream } from '../../support/rule-file-gateway.js';

let primary: RawUpstream;
let backup: FakeAnthropic;
let gw: RunningGateway;
let seenModels: string[] = [];

before(async () => {
  primary = await rawUpstream();
  backup = await startFakeAnthropic();
  const routes = ['  - name: to-b', '    when: { header: { name: x-route, equals: b } }', '    upstream: b', '  - name: to-mm', '    when: { header: { name: x-route, equals: mm } }', '    upstream: mm', '  - name: default', '    upstream: primary'];
  gw = await gatewayFor(
    ruleFile(
      {
        primary: { url: primary.url, extra: ['timeouts: { first_byte: 300ms, idle: 300ms }', 'fallback: backup'] },
        backup: { url: backup.url, extra: ['model: claude-haiku-4-5'] },
        // A cycle: each names the other. Each is tried at most once.
        b: { url: primary.url, extra: ['fallback: c'] },
        c: { url: `http://127.0.0.1:${await freePort()}`, extra: ['fallback: b'] },
        // An upstream with its own model whose fallback has none: the fallback gets the client's model.
        mm: { url: primary.url, extra: ['model: MiniMax-M2.7', 'fallback: plain'] },
        plain: { url: backup.url },
      },
      { routes },
    ),
  );
});
after(async () => {
  await gw.close();
  await primary.close();
  await backup.close();
});
beforeEach(() => {
  seenModels = [];
  backup.setScript(undefined);
});

const headers = { 'x-api-key': 'client-key', 'anthropic-version': '2023-06-01' };
const body = (extra: Record<string, unknown> = {}): string => JSON.stringify(messagesBody(extra));
const backupCalls = (): number => backup.messageBodies().length;

/** Makes the primary record the model it was asked for, then run `then`. */
function primaryDoes(then: (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) => void): void {
  primary.handler = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seenModels.push(String((JSON.parse(Buffer.concat(chunks).toString()) as { model: string }).model));
      then(res, req);
    });
  };
}

describe('fallback', () => {
  const failures: Array<[string, (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) => void]> = [
    ['a connection reset', (_res, req) => req.socket.destroy()],
    ['a 500', (res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"api_error","message":"boom"}}')],
    ['a 529', (res) => res.writeHead(529, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')],
    ['a first-byte timeout', () => {}],
  ];
  for (const [what, fail] of failures) {
    it(`uses the fallback with its own model after ${what} before any response byte`, async () => {
      primaryDoes(fail);
      const before = backupCalls();
      const r = await send(gw.url, { body: body(), headers });
      assert.equal(r.status, 200, r.body);
      assert.equal(backupCalls(), before + 1);
      assert.equal(backup.messageBodies().at(-1)?.model, 'claude-haiku-4-5');
      assert.deepEqual(seenModels, ['claude-opus-4-8']);
      assert.match(r.body, /echo: hello/);
    });
  }

  it('uses the fallback when the primary refuses connections', async () => {
    const g = await gatewayFor(ruleFile({ dead: { url: `http://127.0.0.1:${await freePort()}`, extra: ['fallback: backup'] }, backup: { url: backup.url } }));
    try {
      const r = await send(g.url, { body: body(), headers });
      assert.equal(r.status, 200);
    } finally {
      await g.close();
    }
  });

  it('never falls back once the stream started: a mid-stream death ends in an SSE error', async () => {
    primaryDoes((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseMessage().slice(0, 3).join(''), () => setTimeout(() => res.socket?.destroy(), 10));
    });
    const before = backupCalls();
    const r = await send(gw.url, { body: body({ stream: true }), headers });
    assert.equal(r.status, 200);
    assert.match(r.body, /event: error\n/);
    assert.ok(!r.body.includes('message_stop'));
    assert.equal(backupCalls(), before, 'the fallback was called after output started');
  });

  it('never falls back on an idle stream after output started', async () => {
    primaryDoes((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseMessage()[0]);
    });
    const before = backupCalls();
    const r = await send(gw.url, { body: body({ stream: true }), headers });
    assert.match(r.body, /"overloaded_error"/);
    assert.equal(backupCalls(), before);
  });

  it('does not fall back on a 4xx: the client error passes through', async () => {
    primaryDoes((res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}'));
    const before = backupCalls();
    const r = await send(gw.url, { body: body(), headers });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r.body).message, 'bad');
    assert.equal(backupCalls(), before);
  });

  it('passes the fallback\'s own failure through when it fails as well', async () => {
    primaryDoes((res) => res.writeHead(503).end());
    backup.setScript({ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
    const r = await send(gw.url, { body: body(), headers });
    assert.equal(r.status, 529);
    assert.equal(errorOf(r.body).type, 'overloaded_error');
  });

  it('tries each upstream of a fallback cycle once and then answers 502', async () => {
    primaryDoes((_res, req) => req.socket.destroy());
    const r = await send(gw.url, { body: body(), headers: { ...headers, 'x-route': 'b' } });
    assert.equal(r.status, 502);
    assert.equal(errorOf(r.body).type, 'api_error');
    assert.equal(seenModels.length, 1);
  });

  it('sends the client\'s model to a fallback without a model of its own', async () => {
    primaryDoes((res) => res.writeHead(500).end());
    const r = await send(gw.url, { body: body(), headers: { ...headers, 'x-route': 'mm' } });
    assert.equal(r.status, 200);
    assert.deepEqual(seenModels, ['MiniMax-M2.7']);
    assert.equal(backup.messageBodies().at(-1)?.model, 'claude-opus-4-8');
  });
});
