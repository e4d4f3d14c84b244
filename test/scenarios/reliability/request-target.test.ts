import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { gatewayFor, rawUpstream, ruleFile, type RawUpstream } from '../../support/rule-file-gateway.js';

/** Sends one raw HTTP/1.1 request line (no client-side normalisation) and returns status and body. */
function rawRequest(url: string, method: string, target: string, body = ''): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (data += c));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: rest.join('\r\n\r\n') });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
}

describe('the request target is normalised once, before routing', () => {
  let up: RawUpstream;
  let gw: RunningGateway;
  const seen: string[] = [];
  const body = JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] });

  before(async () => {
    up = await rawUpstream((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    const routes = ['  - name: deny', '    when: { path: /v1/messages }', '    reply: { status: 403, as: error, error_type: permission_error, text: denied }', '  - name: rest', '    upstream: u'];
    gw = await gatewayFor(ruleFile({ u: { url: up.url } }, { routes }));
  });

  after(async () => {
    await gw.close();
    await up.close();
  });

  for (const target of ['/v1/messages', '/v1//messages', '//v1/messages', '/v1/%6Dessages', '/v1/messages?beta=true']) {
    it(`applies the path rule to ${target}`, async () => {
      const r = await rawRequest(gw.url, 'POST', target, body);
      assert.equal(r.status, 403, r.body);
      assert.match(r.body, /denied/);
    });
  }

  for (const target of ['http://x/v1/messages', '/v1/messages#x', '/v1/x/../messages', '/v1/%2e%2E/v1/messages', '/v1%2Fmessages', '/v1/./messages', '/v1\\messages', '/v1/%zzmessages', '*']) {
    it(`refuses ${target} with 400 invalid_request_error`, async () => {
      const r = await rawRequest(gw.url, 'POST', target, body);
      assert.equal(r.status, 400, r.body);
      const e = JSON.parse(r.body) as { type: string; error: { type: string; message: string } };
      assert.equal(e.error.type, 'invalid_request_error');
      assert.match(e.error.message, /^request target /);
    });
  }

  it('forwards the normalised path, with the query unchanged, and validates the body on it', async () => {
    seen.length = 0;
    const ok = await rawRequest(gw.url, 'POST', '//v1//models/%7Ex?a=1&b=%2F', '{}');
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(seen, ['/v1/models/~x?a=1&b=%2F']);
    const bad = await rawRequest(gw.url, 'POST', '/v1//messages/count_tokens', '{"model":"m"}');
    assert.equal(bad.status, 400, bad.body);
    assert.match(bad.body, /messages: field required/);
    assert.deepEqual(seen, ['/v1/models/~x?a=1&b=%2F'], 'the invalid body reached no upstream');
  });

  it("serves the gateway's own endpoints under a normalised path", async () => {
    const r = await rawRequest(gw.url, 'GET', '//healthz');
    assert.equal(r.status, 200);
    assert.match(r.body, /"status"/);
  });
});
