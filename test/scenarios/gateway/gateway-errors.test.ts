import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { closeServer, listenLocal } from '../../support/free-port.js';
import { post, startTestGateway, userBody, type TestGateway } from '../../support/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream.js';

interface ErrorJson {
  type: string;
  error: { type: string; message: string };
  request_id?: string;
}

describe('errors made by the gateway', () => {
  let up: RecordingUpstream;
  let silent: ReturnType<typeof createServer>;
  let silentUrl: string;
  let gw: TestGateway;
  before(async () => {
    up = await startRecordingUpstream('up');
    silent = createServer(() => {}); // accepts, never answers
    silentUrl = await listenLocal(silent);
    gw = await startTestGateway(`
version: 1
server: { body_limit: 64kb }
state: { store: memory }
upstreams:
  up: { url: "${up.url}" }
  dead: { url: "http://127.0.0.1:1" }
  slow: { url: "${silentUrl}", timeouts: { first_byte: 300ms } }
  keyless: { url: "${up.url}", auth: { key_env: MMEXEC_TEST_UNSET_KEY } }
routes:
  - { name: dead, when: { header: { name: x-to, equals: dead } }, upstream: dead }
  - { name: slow, when: { header: { name: x-to, equals: slow } }, upstream: slow }
  - { name: keyless, when: { header: { name: x-to, equals: keyless } }, upstream: keyless }
  - { name: only-messages, when: { path: { prefix: /v1 } }, upstream: up }
`);
  });
  after(async () => {
    await gw.close();
    await up.close();
    await closeServer(silent);
  });

  const expectError = (r: { status: number; json: unknown }, status: number, type: string, message?: RegExp): void => {
    assert.equal(r.status, status);
    const body = r.json as ErrorJson;
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, type);
    assert.match(body.request_id ?? '', /^req_/);
    if (message) assert.match(body.error.message, message);
  };

  it('answers 400 invalid_request_error for a body that is not JSON, and forwards nothing', async () => {
    const before = up.seen.length;
    expectError(await post(`${gw.url}/v1/messages`, '{"model": nope'), 400, 'invalid_request_error', /not valid JSON/);
    expectError(await post(`${gw.url}/v1/messages`, '[1,2]'), 400, 'invalid_request_error', /JSON object/);
    expectError(await post(`${gw.url}/v1/messages`, { model: 'm' }), 400, 'invalid_request_error', /messages/);
    expectError(await post(`${gw.url}/v1/messages`, { model: 'm', messages: [] }), 400, 'invalid_request_error', /at least one/);
    assert.equal(up.seen.length, before);
  });

  it('answers 413 request_too_large over the body limit', async () => {
    const big = JSON.stringify(userBody('x'.repeat(70 * 1024)));
    expectError(await post(`${gw.url}/v1/messages`, big), 413, 'request_too_large', /limit/);
  });

  it('answers 502 api_error naming the upstream when it is unreachable', async () => {
    expectError(await post(`${gw.url}/v1/messages`, userBody('x'), { 'x-to': 'dead' }), 502, 'api_error', /upstream "dead" is unreachable/);
  });

  it('answers 504 timeout_error when the upstream sends no response head in time', async () => {
    const t0 = performance.now();
    expectError(await post(`${gw.url}/v1/messages`, userBody('x'), { 'x-to': 'slow' }), 504, 'timeout_error', /upstream "slow"/);
    assert.ok(performance.now() - t0 < 5000);
  });

  it('answers 402 authentication_error naming the variable, not to be retried, when an upstream key is missing', async () => {
    const r = await post(`${gw.url}/v1/messages`, userBody('x'), { 'x-to': 'keyless' });
    expectError(r, 402, 'authentication_error', /MMEXEC_TEST_UNSET_KEY is not set/);
    assert.equal(r.headers.get('x-should-retry'), 'false');
  });

  it('answers 404 not_found_error when no route matches', async () => {
    const res = await fetch(`${gw.url}/elsewhere`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as ErrorJson).error.type, 'not_found_error');
  });

  it('passes upstream errors through unchanged', async () => {
    const body = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_up"}';
    up.setHandler((_s, res) => {
      res.writeHead(529, { 'content-type': 'application/json', 'request-id': 'req_up' });
      res.end(body);
    });
    const r = await post(`${gw.url}/v1/messages`, userBody('x'));
    assert.equal(r.status, 529);
    assert.equal(r.text, body);
    assert.equal(r.headers.get('request-id'), 'req_up');
  });

  it('serves /healthz with version and config digest, never passed through', async () => {
    const before = up.seen.length;
    const h = (await (await fetch(`${gw.url}/healthz`)).json()) as { status: string; version: string; config_digest: string };
    assert.equal(h.status, 'ok');
    assert.match(h.version, /^\d+\.\d+\.\d+/);
    assert.match(h.config_digest, /^[0-9a-f]{16}$/);
    assert.equal(up.seen.length, before);
  });
});
