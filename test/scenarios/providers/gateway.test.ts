import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { PROFILES } from '../../../src/profiles/registry.js';
import { formatExplain } from '../../../src/explain/format-explain.js';
import { simulate } from '../../../src/explain/simulate.js';
import { builtRequests, capturedRequests } from '../../support/claude-code-bodies.js';
import { post, startTestGateway, userBody, type TestGateway } from '../../support/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../../support/recording-upstream.js';
import { writeRuleFile } from '../../support/rule-file-gateway.js';
import { closePlan } from '../../support/shape-request.js';

describe('profiles in a running gateway', () => {
  let small: RecordingUpstream;
  let reader: RecordingUpstream;
  let anthropic: RecordingUpstream;
  let gw: TestGateway;
  before(async () => {
    small = await startRecordingUpstream('small');
    reader = await startRecordingUpstream('reader');
    anthropic = await startRecordingUpstream('anthropic');
    gw = await startTestGateway(`
version: 1
state: { store: memory }
upstreams:
  small:
    url: "${small.url}"
    model: glm-4.6
    profile: { name: glm, context_window: 1000, on_image: reader }
  reader: { url: "${reader.url}" }
  anthropic: { url: "${anthropic.url}", profile: anthropic }
routes:
  - name: to-anthropic
    when: { header: { name: x-to, equals: anthropic } }
    upstream: anthropic
  - name: default
    upstream: small
`);
  });
  after(async () => {
    await gw.close();
    for (const u of [small, reader, anthropic]) await u.close();
  });

  it('refuses a request clearly over the context window as Anthropic\'s "prompt is too long", before it leaves', async () => {
    const before = small.seen.length;
    const r = await post(`${gw.url}/v1/messages`, userBody('x'.repeat(20_000)));
    assert.equal(r.status, 400);
    const e = (r.json as { type: string; error: { type: string; message: string } });
    assert.equal(e.type, 'error');
    assert.equal(e.error.type, 'invalid_request_error');
    assert.match(e.error.message, /^prompt is too long: \d+ tokens > 1000 maximum$/);
    assert.equal(small.seen.length, before, 'nothing was sent upstream');
  });

  it('sends a request that may fit, and does not count base64 image data as text', async () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(50_000) } };
    const r1 = await post(`${gw.url}/v1/messages`, userBody('y'.repeat(3_000)));
    assert.equal(r1.status, 200);
    const r2 = await post(`${gw.url}/v1/messages`, userBody('z', { messages: [{ role: 'user', content: [image, { type: 'text', text: 'z' }] }] }));
    assert.equal(r2.status, 200, r2.text);
  });

  it('moves a request holding an image the model cannot read to on_image, with the model the client asked for', async () => {
    const before = small.seen.length;
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } };
    const r = await post(`${gw.url}/v1/messages`, userBody('see', { messages: [{ role: 'user', content: [image, { type: 'text', text: 'see' }] }] }));
    assert.equal(r.status, 200);
    const sent = reader.seen.at(-1)!.json as { model: string; messages: unknown[] };
    assert.equal(sent.model, 'claude-opus-4-8');
    assert.ok(JSON.stringify(sent.messages).includes('"type":"image"'));
    assert.equal(small.seen.length, before);
  });

  it('answers count_tokens with an estimate when the provider has none, and forwards it when it has', async () => {
    const before = small.seen.length;
    const body = { model: 'claude-opus-4-8', messages: [{ role: 'user', content: 'a'.repeat(400) }] };
    const r = await post(`${gw.url}/v1/messages/count_tokens`, body);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-mmexec-reply'), 'local');
    const tokens = (r.json as { input_tokens: number }).input_tokens;
    assert.ok(tokens > 100 && tokens < 200, String(tokens));
    assert.equal(small.seen.length, before);
    const seen = anthropic.seen.length;
    await post(`${gw.url}/v1/messages/count_tokens`, body, { 'x-to': 'anthropic' });
    assert.equal(anthropic.seen.length, seen + 1);
  });
});

describe('profiles in explain', () => {
  it("lists every change the minimax-m2 profile makes to a Claude Code request", async () => {
    const env = { MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-profile-explain-')), MINIMAX_API_KEY: 'k' };
    const plan = compilePlan(loadConfig('mmexec.yaml', { env }), env).plan;
    const req = capturedRequests().filter((r) => r.name.startsWith('tool-loop')).at(-1)!;
    const input = { method: 'POST', path: '/v1/messages', headers: req.headers, raw: Buffer.from(JSON.stringify(req.body)), sticky: { session: 'minimax' } };
    const text = formatExplain(plan, input, await simulate(plan, input, env));
    closePlan(plan);
    assert.match(text, /Profile: minimax-m2 — MiniMax M2\.x/);
    for (const note of [
      'folded 3 system turns into the adjacent user turn',
      'removed fields the provider does not take: context_management, output_config',
      'thinking {"type":"adaptive","display":"updates"} → {"type":"enabled","budget_tokens":32000}',
      'removed tool keys the provider does not take: defer_loading',
      'removed metadata.user_id',
      'removed the x-anthropic-billing-header system block',
      'anthropic-beta: removed claude-code-20250219',
    ]) assert.ok(text.includes(`  - ${note}`), `missing "${note}" in:\n${text}`);
  });
});

describe('profiles in explain: on_image', () => {
  it('shows the request moved to the upstream that reads its images', async () => {
    const env = { MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-profile-explain-')), DEEPSEEK_API_KEY: 'k' };
    const plan = compilePlan(loadConfig('examples/providers/deepseek.yaml', { env }), env).plan;
    const req = builtRequests()[0]!;
    const input = { method: 'POST', path: '/v1/messages', headers: req.headers, raw: Buffer.from(JSON.stringify(req.body)), sticky: { session: 'deepseek' }, session: 's1' };
    const sim = await simulate(plan, input, env);
    const text = formatExplain(plan, input, sim);
    closePlan(plan);
    assert.equal(sim.upstream?.name, 'anthropic');
    assert.match(text, /Upstream: anthropic → .*moved from deepseek by its profile/);
    assert.match(text, /- sent to upstream "anthropic" \(profile\.on_image\): the request holds images or documents deepseek cannot read/);
  });
});

describe('profile settings', () => {
  const compile = (upstream: string): unknown => {
    try {
      compilePlan(loadConfig(writeRuleFile(`version: 1\nstate: { store: memory }\nupstreams:\n  p:\n    url: http://127.0.0.1:9\n${upstream}\nroutes:\n  - name: d\n    upstream: p\n`), { env: {} }), {});
      return undefined;
    } catch (err) {
      return err;
    }
  };

  it('refuses an unknown profile and an on_image upstream that does not exist, naming the place', () => {
    const unknown = compile('    profile: minimax-m9');
    assert.ok(unknown instanceof ConfigError);
    assert.match(unknown.message, /upstreams\.p\.profile/);
    const image = compile('    profile: { name: glm, on_image: nowhere }');
    assert.ok(image instanceof ConfigError);
    assert.match(image.message, /upstreams\.p\.profile\.on_image: unknown upstream "nowhere"/);
  });

  it('offers in the schema exactly the bundled profiles', () => {
    const schema = JSON.parse(readFileSync('schemas/mmexec.schema.json', 'utf8')) as { definitions: { upstream: { properties: { profile: { then: { enum: string[] }; else: { properties: { name: { enum: string[] } } } } } } } };
    const p = schema.definitions.upstream.properties.profile;
    assert.deepEqual([...p.then.enum].sort(), [...PROFILES.keys()].sort());
    assert.deepEqual([...p.else.properties.name.enum].sort(), [...PROFILES.keys()].sort());
  });

  it('cites the documentation it follows, with the date read, in each profile file', () => {
    for (const name of PROFILES.keys()) {
      const text = readFileSync(`src/profiles/${name}.ts`, 'utf8');
      assert.match(text, /https:\/\/\S+/, name);
      assert.match(text, /read 2026-\d\d-\d\d/, name);
    }
  });
});
