import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { errorOf, gatewayFor, messagesBody, rawUpstream, ruleFile, send, type RawUpstream } from '../../support/rule-file-gateway.js';

let up: RawUpstream;
let gw: RunningGateway;
const received: Buffer[] = [];

before(async () => {
  up = await rawUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"type":"message","content":[]}');
    });
  });
  gw = await gatewayFor(ruleFile({ up: { url: up.url } }, { server: ['body_limit: 64kb'], routes: ['  - name: strip', '    when: { last_user_text: { regex: "^strip" } }', '    strip_trigger: true', '    upstream: up', '  - name: by-text', '    when: { last_user_text: { regex: "^go" } }', '    upstream: up', '  - name: default', '    upstream: up'] }));
});
after(async () => {
  await gw.close();
  await up.close();
});

const deep = (n: number): string => `{"messages":${'['.repeat(n)}${']'.repeat(n)}}`;

const badBodies: Array<[string, string | Buffer, number, RegExp]> = [
  ['a non-JSON body', 'hello there', 400, /not valid JSON/],
  ['an empty body', '', 400, /empty/],
  ['a JSON array', '[1,2,3]', 400, /JSON object/],
  ['a JSON string', '"messages"', 400, /JSON object/],
  ['JSON null', 'null', 400, /JSON object/],
  ['missing messages', '{"model":"x","max_tokens":1}', 400, /messages: field required/],
  ['messages that is not an array', '{"messages":{"role":"user"}}', 400, /expected an array/],
  ['empty messages', '{"messages":[]}', 400, /at least one/],
  ['a message that is a number', '{"messages":[42]}', 400, /messages\.0: expected an object/],
  ['content that is a number', '{"messages":[{"role":"user","content":7}]}', 400, /messages\.0\.content/],
  ['a content block without a type', '{"messages":[{"role":"user","content":[{"text":"x"}]}]}', 400, /messages\.0\.content\.0/],
  ['a content block that is null', '{"messages":[{"role":"user","content":[null]}]}', 400, /content\.0/],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]), 400, /UTF-8/],
  ['a truncated object', '{"messages":[{"role":"user","content":"hi"}', 400, /not valid JSON/],
];

describe('bad input', () => {
  it('answers a header block over the parser limit with Anthropic error JSON', async () => {
    const r = await send(gw.url, { body: JSON.stringify(messagesBody()), headers: { 'x-claude-code-session-id': 'a'.repeat(100_000) } });
    assert.equal(r.status, 431);
    assert.equal(errorOf(r.body).type, 'invalid_request_error');
  });

  it('answers 508 when two gateways point at each other, after one pass each', async () => {
    // outer → relay → inner → outer: the outer sees its own mark and stops the loop.
    let target = '';
    const relay = await rawUpstream((req, res) => {
      const out = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(out);
    });
    const outer = await gatewayFor(ruleFile({ g: { url: relay.url } }));
    const inner = await gatewayFor(ruleFile({ back: { url: outer.url } }));
    target = inner.url;
    try {
      const r = await send(outer.url, { body: JSON.stringify(messagesBody()) });
      assert.equal(r.status, 508);
      assert.equal(errorOf(r.body).type, 'invalid_request_error');
      assert.equal(relay.requests, 1);
    } finally {
      await inner.close();
      await outer.close();
      await relay.close();
    }
  });

  it('forwards a request carrying another gateway\'s mark and appends its own', async () => {
    let via = '';
    const prev = up.handler;
    up.handler = (req, res) => {
      via = String(req.headers['x-mmexec-via']);
      prev(req, res);
    };
    try {
      const r = await send(gw.url, { body: JSON.stringify(messagesBody()), headers: { 'x-mmexec-via': 'abc123' } });
      assert.equal(r.status, 200);
      assert.equal(via, `abc123, ${gw.gateway.services.instanceId}`);
    } finally {
      up.handler = prev;
    }
  });

  it('answers a request carrying its own loop mark with 508 and forwards nothing', async () => {
    const before = up.requests;
    const r = await send(gw.url, { body: JSON.stringify(messagesBody()), headers: { 'x-mmexec-via': `other, ${gw.gateway.services.instanceId}` } });
    assert.equal(r.status, 508);
    assert.match(errorOf(r.body).message, /loop/);
    assert.equal(up.requests, before);
  });

  for (const method of ['PATCH', 'DELETE', 'PUT', 'OPTIONS', 'BREW']) {
    it(`answers the unknown method ${method} without crashing`, async () => {
      const r = await send(gw.url, { method, body: '' });
      if (method === 'BREW') {
        assert.equal(r.status, 400);
        return;
      }
      assert.ok(r.status >= 200 && r.status < 600, `status ${r.status}`);
      const health = await send(gw.url, { method: 'GET', path: '/healthz' });
      assert.equal(health.status, 200);
    });
  }

  it('rejects a chunked body over the limit with 413 while it is still streaming in', async () => {
    const before = up.requests;
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = request(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), sent });
          req.destroy();
        });
        answered = true;
      });
      let answered = false;
      req.on('error', (e) => (sent > 0 ? undefined : reject(e)));
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      // Keep sending well past the limit; the answer must come while the body is still open.
      const pump = (): void => {
        if (answered || req.destroyed || sent > 50 * 1024 * 1024) return;
        sent += chunk.length;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      pump();
    });
    assert.equal(answer.status, 413);
    assert.equal(errorOf(answer.body).type, 'request_too_large');
    assert.ok(answer.sent < 50 * 1024 * 1024, 'the gateway read the whole body before answering');
    assert.equal(up.requests, before);
  });

  it('rejects a declared length over the limit with 413 before reading the body', async () => {
    const before = up.requests;
    const r = await send(gw.url, { headers: { 'content-length': 10_000_000 }, body: 'x'.repeat(1000) });
    assert.equal(r.status, 413);
    assert.equal(errorOf(r.body).type, 'request_too_large');
    assert.equal(up.requests, before);
  });

  it('accepts a valid session id and forwards the request', async () => {
    const r = await send(gw.url, { body: JSON.stringify(messagesBody()), headers: { 'x-claude-code-session-id': '3f1c2b9e-1d2a-4c5b-9e8f-000000000001' } });
    assert.equal(r.status, 200);
  });

  for (const [what, id] of [['NUL', 'a\u0000b'], ['a newline', 'a\nb'], ['../', '../x'], ['a huge id', 'z'.repeat(2000)]] as const) {
    it(`rejects a session id holding ${what} in metadata.user_id with 400`, async () => {
      const before = up.requests;
      const user_id = JSON.stringify({ device_id: 'd', session_id: id });
      const r = await send(gw.url, { body: JSON.stringify(messagesBody({ metadata: { user_id } })) });
      assert.equal(r.status, 400);
      assert.equal(errorOf(r.body).type, 'invalid_request_error');
      assert.equal(up.requests, before);
    });
  }

  for (const [what, id] of badSessions) {
    it(`rejects ${what} in the session header with 400 and forwards nothing`, async () => {
      const before = up.requests;
      const r = await send(gw.url, { body: JSON.stringify(messagesBody()), headers: { 'x-claude-code-session-id': id } });
      assert.equal(r.status, 400);
      assert.match(errorOf(r.body).message, /invalid session id/);
      assert.ok(!r.body.includes(id.slice(0, 50)) || id.length < 20, 'echoes a huge id back');
      assert.equal(up.requests, before);
    });
  }

  it('answers deep nesting that a rule would re-serialise with 400 instead of crashing', async () => {
    const before = up.requests;
    const r = await send(gw.url, { body: nestedMessage('strip me', 30_000) });
    assert.equal(r.status, 400);
    assert.match(errorOf(r.body).message, /nested too deeply/);
    assert.equal(up.requests, before);
    assert.equal((await send(gw.url, { method: 'GET', path: '/healthz' })).status, 200);
  });

  const badSessions: Array<[string, string]> = [
    ['a huge id', 'a'.repeat(10_000)],
    ['an id with ../', '../../etc/passwd'],
    ['an id with a slash', 'abc/def'],
    ['an id starting with a dot', '.hidden'],
    ['an id with a backslash', 'a\\b'],
    ['an id of 129 characters', 'b'.repeat(129)],
  ];

  it('forwards deep nesting inside valid messages byte for byte when no rule changes the request', async () => {
    const body = nestedMessage('go on', 30_000);
    const r = await send(gw.url, { body });
    assert.equal(r.status, 200);
    assert.equal(received.at(-1)?.toString(), body);
  });

  it('answers deeply nested JSON without slowing the gateway', async () => {
    const t0 = performance.now();
    const r = await send(gw.url, { body: deep(30_000) });
    assert.equal(r.status, 400);
    const ok = await send(gw.url, { body: JSON.stringify(messagesBody()) });
    assert.equal(ok.status, 200);
    assert.ok(performance.now() - t0 < 2000, 'nested body took too long');
  });

  const nestedMessage = (text: string, depth: number): string => `{"messages":[{"role":"user","content":[{"type":"text","text":"${text}","extra":${'['.repeat(depth)}${']'.repeat(depth)}}]}]}`;

  for (const [what, body, status, message] of badBodies) {
    it(`answers ${what} with ${status} Anthropic error JSON and forwards nothing`, async () => {
      const before = up.requests;
      const r = await send(gw.url, { body });
      assert.equal(r.status, status);
      assert.match(String(r.headers['content-type']), /application\/json/);
      const e = errorOf(r.body);
      assert.equal(e.type, 'invalid_request_error');
      assert.match(e.message, message);
      assert.match(String(r.headers['request-id']), /^req_/);
      assert.equal(up.requests, before);
    });
  }

});
