import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { post, startTestGateway, userBody, type TestGateway } from '../../support/gateway.js';
import { sse, startRecordingUpstream, textStream, type RecordingUpstream } from '../../support/recording-upstream.js';

describe('proxying', () => {
  let anth: RecordingUpstream;
  let keyed: RecordingUpstream;
  let gw: TestGateway;
  before(async () => {
    anth = await startRecordingUpstream('anthropic');
    keyed = await startRecordingUpstream('keyed');
    gw = await startTestGateway(
      `
version: 1
state: { store: memory }
upstreams:
  anthropic: { url: "${anth.url}/base", auth: passthrough, provider: anthropic }
  keyed:
    url: "${keyed.url}/anthropic"
    auth: { key_env: KEYED_KEY, as: bearer }
    headers: { add: { x-added: yes }, remove: [x-secret-header] }
  xkey:
    url: "${keyed.url}"
    auth: { key_env: KEYED_KEY }
routes:
  - name: keyed
    when: { header: { name: x-route, equals: keyed } }
    upstream: keyed
  - name: xkey
    when: { header: { name: x-route, equals: xkey } }
    upstream: xkey
  - name: default
    upstream: anthropic
`,
      { env: { KEYED_KEY: 'sk-upstream-own-key' } },
    );
  });
  after(async () => {
    await gw.close();
    await anth.close();
    await keyed.close();
  });

  it('forwards the client exact bytes when no transform changed the request', async () => {
    const raw = '{ "model":"claude-opus-4-8",  "messages":[{"role":"user","content":"caf\\u00e9 ☕"}],\n"max_tokens":5 }';
    await post(`${gw.url}/v1/messages?beta=true`, raw);
    const seen = anth.seen.at(-1)!;
    assert.equal(seen.body.toString('utf8'), raw);
    assert.equal(seen.url, '/base/v1/messages?beta=true', 'base path and query kept');
    assert.equal(seen.headers['content-length'], String(Buffer.byteLength(raw)));
  });

  it('passes every path and method through, keeping the base path', async () => {
    const models = await fetch(`${gw.url}/v1/models?limit=5`);
    assert.equal(models.status, 200);
    assert.equal(anth.seen.at(-1)!.url, '/base/v1/models?limit=5');
    assert.equal(anth.seen.at(-1)!.method, 'GET');
    const head = await fetch(`${gw.url}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(anth.seen.at(-1)!.method, 'HEAD');
    await post(`${gw.url}/v1/messages/count_tokens`, userBody('count me'));
    assert.equal(anth.seen.at(-1)!.url, '/base/v1/messages/count_tokens');
    await fetch(`${gw.url}/v1/something/else`, { method: 'PATCH', body: 'plain text', headers: { 'content-type': 'text/plain' } });
    assert.equal(anth.seen.at(-1)!.body.toString(), 'plain text');
  });

  it('forwards credentials, anthropic-version and anthropic-beta unchanged to a passthrough upstream', async () => {
    await post(`${gw.url}/v1/messages`, userBody('x'), {
      'x-api-key': 'sk-client-key',
      authorization: 'Bearer client-token',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'context-management-2025-06-27,oauth-2025-04-20',
    });
    const h = anth.seen.at(-1)!.headers;
    assert.equal(h['x-api-key'], 'sk-client-key');
    assert.equal(h.authorization, 'Bearer client-token');
    assert.equal(h['anthropic-version'], '2023-06-01');
    assert.equal(h['anthropic-beta'], 'context-management-2025-06-27,oauth-2025-04-20');
  });

  it('replaces client credentials with the upstream key as bearer and never forwards the client key', async () => {
    await post(`${gw.url}/v1/messages`, userBody('x'), { 'x-route': 'keyed', 'x-api-key': 'sk-client-key', authorization: 'Bearer client-token', 'x-secret-header': 's', 'x-mmexec-key': 'gateway-key' });
    const seen = keyed.seen.at(-1)!;
    assert.equal(seen.url, '/anthropic/v1/messages');
    assert.equal(seen.headers.authorization, 'Bearer sk-upstream-own-key');
    assert.equal(seen.headers['x-api-key'], undefined);
    assert.equal(seen.headers['x-secret-header'], undefined);
    assert.equal(seen.headers['x-mmexec-key'], undefined);
    assert.equal(seen.headers['x-added'], 'yes');
    await post(`${gw.url}/v1/messages`, userBody('x'), { 'x-route': 'xkey', authorization: 'Bearer client-token' });
    const h = keyed.seen.at(-1)!.headers;
    assert.equal(h['x-api-key'], 'sk-upstream-own-key');
    assert.equal(h.authorization, undefined);
  });

  it('drops hop-by-hop headers, including those named by Connection', async () => {
    await new Promise<void>((resolve, reject) => {
      const body = JSON.stringify(userBody('x'));
      const req = request(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'keep-alive, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', te: 'trailers', 'proxy-authorization': 'secret' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
    const h = anth.seen.at(-1)!.headers;
    for (const name of ['x-hop', 'keep-alive', 'te', 'proxy-authorization']) assert.equal(h[name], undefined, name);
    assert.ok(String(h['x-mmexec-via']).length > 0, 'forwarded requests carry the loop mark');
  });

  it('streams events to the client before the upstream finishes', async () => {
    const events = textStream('claude-opus-4-8', 'paced');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    anth.setHandler(async (_s, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, ...events[0]!);
      await gate; // the rest only after the client has seen the first event
      for (const e of events.slice(1)) sse(res, ...e);
      res.end();
    });
    const res = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(userBody('x', { stream: true })) });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^event: message_start\n/);
    release();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    assert.match(rest, /event: message_stop/);
    anth.setHandler((s, r) => {
      r.writeHead(200, { 'content-type': 'application/json' });
      r.end(JSON.stringify({ type: 'message', model: 'm', content: [], usage: { input_tokens: 1, output_tokens: 1 }, echo: s.url }));
    });
  });

  it('keeps each event spaced as the upstream paced it', async () => {
    const events = textStream('claude-opus-4-8', 'paced');
    anth.setHandler(async (_s, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const e of events) {
        sse(res, ...e);
        await new Promise((r) => setTimeout(r, 60));
      }
      res.end();
    });
    const res = await fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(userBody('x', { stream: true })) });
    const arrivals: number[] = [];
    const reader = res.body!.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      arrivals.push(performance.now());
    }
    assert.ok(arrivals.length >= events.length - 1, `events arrived in ${arrivals.length} reads; a buffering proxy delivers one`);
    assert.ok(arrivals.at(-1)! - arrivals[0]! >= 200, 'arrivals are spread over the upstream pacing');
  });
});

describe('proxying to an upstream on an IPv6 address', () => {
  it('reaches http://[::1]:port/base with the base path, the query and a bracketed Host header', async (t) => {
    const seen: Array<{ url: string; host: string | undefined }> = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', host: req.headers.host });
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"message","content":[]}'));
    });
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, '::1', () => resolve(true));
    });
    if (!listening) {
      t.skip('the IPv6 loopback address ::1 is not available on this machine');
      return;
    }
    const port = (server.address() as AddressInfo).port;
    const gw = await startTestGateway(`version: 1\nstate: { store: memory }\nupstreams:\n  v6: { url: "http://[::1]:${port}/base", auth: passthrough }\nroutes:\n  - { name: default, upstream: v6 }\n`);
    try {
      for (const path of ['/v1/messages?beta=true', '/v1/messages/count_tokens']) {
        const res = await post(`${gw.url}${path}`, userBody('hi'));
        assert.equal(res.status, 200);
      }
      assert.deepEqual(seen, [
        { url: '/base/v1/messages?beta=true', host: `[::1]:${port}` },
        { url: '/base/v1/messages/count_tokens', host: `[::1]:${port}` },
      ]);
    } finally {
      await gw.close();
      await new Promise((r) => server.close(r));
    }
  });
});
