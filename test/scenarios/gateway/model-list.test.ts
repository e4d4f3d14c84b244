/**
 * GET /v1/models with declared models: the upstream's list plus the declared ones in Anthropic's format,
 * the declared ones alone when the upstream's list fails, pages and undeclared configs passed through,
 * and ids checked at load.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, formatIssue } from '../../../src/errors.js';
import { PICKER_FILTER } from '../../../src/models/declared-models.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { startTestGateway, type TestGateway } from '../../support/gateway.js';
import { startRecordingUpstream, type RecordingUpstream, type SeenRequest } from '../../support/recording-upstream.js';

const UPSTREAM_LIST = {
  data: [
    { type: 'model', id: 'claude-opus-4-8', display_name: 'Claude Opus 4.8', created_at: '2026-10-01T00:00:00Z' },
    { type: 'model', id: 'claude-via-minimax-m2.7', display_name: 'an upstream entry with a declared id', created_at: '2026-01-01T00:00:00Z' },
    { type: 'model', id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' },
  ],
  has_more: false,
  first_id: 'claude-opus-4-8',
  last_id: 'claude-haiku-4-5',
};

/** Answers by the x-answer header the test sends (the gateway forwards it). */
function answer(s: SeenRequest, res: import('node:http').ServerResponse): void {
  const how = String(s.headers['x-answer'] ?? 'list');
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_up' });
    res.end(JSON.stringify(body));
  };
  if (how === 'list') json(200, UPSTREAM_LIST);
  else if (how === 'more') json(200, { ...UPSTREAM_LIST, has_more: true });
  else if (how === '401') json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  else if (how === 'not-a-list') json(200, { models: ['claude-opus-4-8'] });
  else {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html>bad gateway</html>');
  }
}

const DECLARED = `
models:
  - id: claude-via-minimax-m2.7
    display_name: MiniMax M2.7 (via mmexec)
    description: MiniMax-M2.7 through the minimax upstream
  - id: anthropic-house-blend
`;

describe('GET /v1/models with declared models', () => {
  let up: RecordingUpstream;
  let gw: TestGateway;
  let plain: TestGateway;
  before(async () => {
    up = await startRecordingUpstream('anthropic', answer);
    const dead = await startRecordingUpstream('dead');
    await dead.close();
    const upstreams = `upstreams:
  anthropic: { url: "${up.url}", auth: passthrough, provider: anthropic }
  dead: { url: "${dead.url}" }
  keyed: { url: "${up.url}", auth: { key_env: MODEL_LIST_KEY_NOT_SET } }
routes:
  - { name: dead, when: { header: { name: x-route, equals: dead } }, upstream: dead }
  - { name: keyed, when: { header: { name: x-route, equals: keyed } }, upstream: keyed }
  - { name: default, upstream: anthropic }
`;
    gw = await startTestGateway(`version: 1\nstate: { store: memory }\n${DECLARED}${upstreams}`);
    plain = await startTestGateway(`version: 1\nstate: { store: memory }\n${upstreams}`);
  });
  after(async () => {
    await Promise.all([gw.close(), plain.close()]);
    await up.close();
  });

  const list = async (target: TestGateway, query = '?limit=1000', headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: Record<string, unknown>; text: string }> => {
    const res = await fetch(`${target.url}/v1/models${query}`, { headers: { 'x-api-key': 'sk-client', 'anthropic-version': '2023-06-01', ...headers } });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text) as Record<string, unknown>, text };
  };
  const ids = (body: Record<string, unknown>): string[] => (body.data as Array<{ id: string }>).map((m) => m.id);
  const declaredOnly = {
    data: [
      { type: 'model', id: 'claude-via-minimax-m2.7', display_name: 'MiniMax M2.7 (via mmexec)', created_at: '1970-01-01T00:00:00Z', description: 'MiniMax-M2.7 through the minimax upstream' },
      { type: 'model', id: 'anthropic-house-blend', display_name: 'anthropic-house-blend', created_at: '1970-01-01T00:00:00Z' },
    ],
    has_more: false,
    first_id: 'claude-via-minimax-m2.7',
    last_id: 'anthropic-house-blend',
  };

  it("answers the upstream's list with the declared models first, asked with the client's credentials", async () => {
    const r = await list(gw);
    assert.equal(r.status, 200);
    assert.match(r.type, /application\/json/);
    assert.deepEqual(ids(r.body), ['claude-via-minimax-m2.7', 'anthropic-house-blend', 'claude-opus-4-8', 'claude-haiku-4-5']);
    assert.deepEqual((r.body.data as unknown[])[0], declaredOnly.data[0], 'the declaration wins over an upstream entry with its id');
    assert.deepEqual([r.body.has_more, r.body.first_id, r.body.last_id], [false, 'claude-via-minimax-m2.7', 'claude-haiku-4-5']);
    const seen = up.seen.at(-1)!;
    assert.deepEqual([seen.method, seen.url, seen.headers['x-api-key']], ['GET', '/v1/models?limit=1000', 'sk-client']);
    assert.ok(ids(r.body).every((id) => PICKER_FILTER.test(id)));
  });

  it("keeps the upstream's has_more", async () => {
    assert.equal((await list(gw, '', { 'x-answer': 'more' })).body.has_more, true);
  });

  const failures: Array<[string, Record<string, string>]> = [
    ['answers 401', { 'x-answer': '401' }],
    ['answers 502 with HTML', { 'x-answer': '502' }],
    ['answers JSON that is not a model list', { 'x-answer': 'not-a-list' }],
    ['is unreachable', { 'x-route': 'dead' }],
    ['needs a key that is not set', { 'x-route': 'keyed' }],
  ];
  for (const [why, headers] of failures) {
    it(`answers the declared models alone with 200 when the upstream ${why}`, async () => {
      const r = await list(gw, '?limit=1000', headers);
      assert.equal(r.status, 200, r.text);
      assert.match(r.type, /application\/json/);
      assert.deepEqual(r.body, declaredOnly);
    });
  }

  it('passes later pages through unchanged', async () => {
    const r = await list(gw, '?limit=2&after_id=claude-opus-4-8');
    assert.equal(r.text, JSON.stringify(UPSTREAM_LIST));
    assert.equal((await list(gw, '?before_id=x', { 'x-answer': '401' })).status, 401);
  });

  it('passes the list through byte for byte, errors included, when no model is declared', async () => {
    assert.equal((await list(plain)).text, JSON.stringify(UPSTREAM_LIST));
    const failed = await list(plain, '', { 'x-answer': '401' });
    assert.equal(failed.status, 401);
    assert.equal((failed.body.error as { type: string }).type, 'authentication_error');
  });
});

describe('declared model checks at load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-models-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function problems(text: string, files: Record<string, string> = {}): string[] {
    for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
    writeFileSync(join(dir, 'mmexec.yaml'), text);
    try {
      compilePlan(loadConfig(join(dir, 'mmexec.yaml'), { env: {} }), {});
      return [];
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.issues.map((i) => formatIssue({ ...i, file: i.file.split('/').pop()! }));
    }
  }
  const head = 'version: 1\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\n';

  it("rejects an id Claude Code's picker would drop, with its place", () => {
    const found = problems(`${head}models:\n  - id: minimax-m2.7\nroutes:\n  - { name: r, upstream: a }\n`);
    assert.deepEqual(found, ['mmexec.yaml:5:9 models[0].id: model id "minimax-m2.7" would not be listed: Claude Code\'s /model picker only keeps ids containing "claude" or "anthropic"']);
  });

  it('accepts claude or anthropic in any case', () => {
    assert.deepEqual(problems(`${head}models:\n  - id: Claude-Local\n  - id: via-ANTHROPIC-proxy\nroutes:\n  - { name: r, upstream: a }\n`), []);
  });

  it('rejects an id repeated by an included rule file, pointing into that file', () => {
    const rules = 'routes:\n  - { name: picked, when: { model: claude-x }, upstream: a }\nmodels:\n  - id: claude-x\n';
    const found = problems(`${head}models:\n  - id: claude-x\nroutes:\n  - include: picker.yaml\n`, { 'picker.yaml': rules });
    assert.deepEqual(found, ['picker.yaml:4:9 models[0].id: duplicate model id "claude-x" (also models[0])']);
  });

  it('rejects an id with characters a model id never has, and unknown keys', () => {
    const found = problems(`${head}models:\n  - id: "claude local"\n    name: x\nroutes:\n  - { name: r, upstream: a }\n`);
    assert.ok(found.some((p) => p.startsWith('mmexec.yaml:5:9 models[0].id:')), found.join('\n'));
    assert.ok(found.some((p) => /models\[0\]\.name: unknown key/.test(p)), found.join('\n'));
  });
});
