import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ERROR_CATALOG } from '../../../src/errors.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';

const SRC = new URL('../../../src/', import.meta.url);

/** Sends raw bytes and returns the raw answer (the connection is closed by the gateway). */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('errors the gateway makes come from its catalogue', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway('version: 1\nstate: { store: memory }\nserver: { metrics_token: t0ken }\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: r, reply: { text: hi } }\n');
  });
  after(() => gw.close());

  const byStatus = (status: number, type: string): boolean => Object.values(ERROR_CATALOG).some((e) => e.status === status && e.type === type);

  it('answers a malformed HTTP request with a catalogue error marked as the gateway\'s', async () => {
    const answer = await raw(gw.port, 'NOT HTTP AT ALL\r\n\r\n');
    const [head, body] = answer.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 400 Bad Request/);
    assert.match(head!, /x-mmexec-error: gateway/i);
    const json = JSON.parse(body!) as { type: string; error: { type: string; message: string } };
    assert.deepEqual(json, { type: 'error', error: { type: 'invalid_request_error', message: 'malformed HTTP request' } });
  });

  const cases: Array<[string, string, RequestInit, number, string]> = [
    ['a wrong method on an own endpoint', '/healthz', { method: 'POST' }, 405, 'invalid_request_error'],
    ['metrics without the token', '/metrics', {}, 401, 'authentication_error'],
    ['status without the token', '/status', {}, 401, 'authentication_error'],
  ];
  for (const [name, path, init, status, type] of cases) {
    it(`answers ${name} with a catalogue error marked as the gateway's`, async () => {
      const res = await fetch(`${gw.url}${path}`, init);
      assert.equal(res.status, status);
      assert.equal(res.headers.get('x-mmexec-error'), 'gateway');
      const json = (await res.json()) as { type: string; error: { type: string } };
      assert.equal(json.type, 'error');
      assert.equal(json.error.type, type);
      assert.ok(byStatus(status, type));
    });
  }

  it('leaves building error envelopes to src/errors.ts', () => {
    // Rule-made replies (`reply: { as: error }`) and upstream errors remapped or translated are not the gateway's failures.
    const allowed = new Set(['errors.ts', 'server/local-reply.ts', 'profiles/error-map.ts', 'protocols/openai-chat/errors.ts', 'protocols/openai-responses/error-translation.ts', 'protocols/openai-responses/anthropic-events.ts']);
    const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const offenders = files.filter((f) => !allowed.has(f) && /\berrorBody\(|type: 'error', error:/.test(readFileSync(new URL(f, SRC), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
