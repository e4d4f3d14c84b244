import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { RunningGateway } from '../../../src/server/start.js';
import { gatewayFor, rawUpstream, ruleFile, send, type RawUpstream } from '../../support/rule-file-gateway.js';

let up: RawUpstream;
let gw: RunningGateway;
let last: Buffer | undefined;
const received = (): Buffer | undefined => last;

// Rules that read the body in every way a condition can: text matches, model globs, JSONata, headers,
// sticky state; the strip and switch routes change requests, the rest pass them through untouched.
const routes = [
  '  - name: teapot',
  '    when: { last_user_text: { equals: mmstatus, trim: true } }',
  '    reply: { status: 418, text: "teapot" }',
  '  - name: strip',
  '    when: { last_user_text: { regex: "^\\\\s*mmexec(\\\\s|$)" } }',
  '    strip_trigger: true',
  '    sticky: { set: other }',
  '    upstream: plain',
  '  - name: by-jsonata',
  '    when: { jsonata: "$count(messages) > 3 and $exists(tools)" }',
  '    upstream: plain',
  '  - name: by-model',
  '    when: { model: { glob: "claude-haiku-*" } }',
  '    upstream: plain',
  '  - name: by-header',
  '    when: { header: { name: x-kind, prefix: a } }',
  '    upstream: plain',
  '  - name: sticky',
  '    when: { sticky: other }',
  '    upstream: plain',
  '  - name: default',
  '    upstream: plain',
];

before(async () => {
  up = await rawUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      last = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"type":"message","role":"assistant","content":[],"usage":{"input_tokens":1,"output_tokens":1}}');
    });
  });
  gw = await gatewayFor(ruleFile({ plain: { url: up.url } }, { routes }));
});
after(async () => {
  await gw.close();
  await up.close();
});

const text = fc.oneof(fc.string(), fc.constantFrom('mmexec', 'mmexec do it', ' mmstatus ', 'mmrelease', ''), fc.string({ unit: 'grapheme' }));
const block = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constantFrom('thinking', 'redacted_thinking'), thinking: fc.string(), signature: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), fc.base64String()) }),
  fc.record({ type: fc.constantFrom('tool_use', 'tool_result', 'image', 'document', 'weird'), id: fc.string(), input: fc.jsonValue({ maxDepth: 3 }) }),
  fc.jsonValue({ maxDepth: 3 }),
);
const message = fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'x'), content: fc.oneof(text, fc.array(block, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] });
const looseBody = fc.record(
  {
    model: fc.oneof(fc.constantFrom('claude-opus-4-8', 'claude-haiku-4-5', 'MiniMax-M2.7'), fc.jsonValue({ maxDepth: 1 })),
    max_tokens: fc.oneof(fc.nat(), fc.jsonValue({ maxDepth: 1 })),
    messages: fc.oneof(fc.array(message, { maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })),
    stream: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })),
    metadata: fc.oneof(fc.record({ user_id: fc.oneof(fc.string(), fc.json()) }), fc.jsonValue({ maxDepth: 2 })),
    tools: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
    thinking: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);
const anyBytes = fc.oneof(
  looseBody.map((b) => Buffer.from(JSON.stringify(b))),
  fc.json().map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
  fc.string({ unit: 'binary' }).map((s) => Buffer.from(s)),
);
const headerValue = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);

describe('properties over random bodies', () => {
  it('never fails inside the gateway: every answer is a forward, a reply or an Anthropic 4xx error', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, fc.constantFrom('/v1/messages', '/v1/messages?beta=true', '/v1/messages/count_tokens', '/v1/other'), headerValue, headerValue, async (body, path, kind, session) => {
        const r = await send(gw.url, { path, body, headers: { 'x-kind': kind, 'x-claude-code-session-id': session } });
        assert.ok([200, 418].includes(r.status) || (r.status >= 400 && r.status < 500), `status ${r.status}: ${r.body.slice(0, 300)}`);
        if (r.status >= 400 && r.status !== 418) {
          // Errors are Anthropic JSON; a 418 is the rules' own text/plain teapot reply.
          const j = JSON.parse(r.body) as { type: string; error: { type: string; message: string } };
          assert.equal(j.type, 'error');
          assert.equal(typeof j.error.message, 'string');
        }
      }),
      { numRuns: 250 },
    );
    assert.equal((await send(gw.url, { method: 'GET', path: '/healthz' })).status, 200);
  });

  it('forwards the exact original bytes when no rule changes the request', async () => {
    const validMessage = fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.oneof(fc.string().filter((s) => !/^\s*mm/.test(s)), fc.array(fc.record({ type: fc.constantFrom('text', 'tool_result', 'image'), text: fc.string().filter((s) => !/^\s*mm/.test(s)), extra: fc.jsonValue({ maxDepth: 3 }) }), { minLength: 1, maxLength: 3 })) });
    const extras = fc.dictionary(fc.string().filter((k) => !['messages', 'model', 'metadata'].includes(k)), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(validMessage, { minLength: 1, maxLength: 4 }), extras, fc.constantFrom(undefined, 0, 1, 2, '\t'), async (messages, extra, indent) => {
        const raw = Buffer.from(JSON.stringify({ ...extra, model: 'claude-opus-4-8', messages }, null, indent));
        last = undefined;
        const r = await send(gw.url, { body: raw, headers: { 'x-kind': 'zz' } });
        assert.equal(r.status, 200, r.body);
        const got = received();
        assert.ok(got, 'nothing reached the upstream');
        assert.ok(got.equals(raw), 'the upstream received different bytes');
      }),
      { numRuns: 200 },
    );
  });
});
