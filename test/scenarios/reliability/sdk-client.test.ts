import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic, { APIError, BadRequestError, ContentTooLargeError, GatewayTimeoutError, InternalServerError, OverloadedError, PaymentRequiredError } from '@anthropic-ai/sdk';
import { startGateway, type RunningGateway } from '../../../src/server/start.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../support/fake-anthropic.js';
import { minimaxError, startFakeMiniMax, type FakeMiniMax } from '../../support/fake-minimax.js';
import { freePort } from '../../support/free-port.js';
import { gatewayFor, rawUpstream, ruleFile, type RawUpstream } from '../../support/rule-file-gateway.js';

let anthropic: FakeAnthropic;
let mm: FakeMiniMax;
let gw: RunningGateway;
let faulty: RunningGateway;
let silent: RawUpstream;
let client: Anthropic;

const ask = (content: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}): Anthropic.MessageCreateParamsNonStreaming => ({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content }], ...extra });
const textOf = (m: Anthropic.Message): string => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

/** Runs `fn`, returning what it threw (failing when it did not throw). */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

before(async () => {
  anthropic = await startFakeAnthropic();
  mm = await startFakeMiniMax();
  gw = await startGateway({
    configPath: resolve('mmexec.yaml'),
    env: { MINIMAX_BASE_URL: mm.url, MINIMAX_API_KEY: 'mm-key', ANTHROPIC_UPSTREAM_URL: anthropic.url, MMEXEC_HOME: mkdtempSync(join(tmpdir(), 'mmexec-sdk-')) },
    port: 0,
    silent: true,
  });
  silent = await rawUpstream(() => {});
  const routes = ['  - name: slow', '    when: { model: claude-slow }', '    upstream: slow', '  - name: default', '    upstream: dead'];
  faulty = await gatewayFor(ruleFile({ dead: { url: `http://127.0.0.1:${await freePort()}` }, slow: { url: silent.url, extra: ['timeouts: { first_byte: 200ms }'] } }, { routes, server: ['body_limit: 1kb'] }));
  client = new Anthropic({ baseURL: gw.url, apiKey: 'sk-client', maxRetries: 0 });
});
after(async () => {
  await gw.close();
  await faulty.close();
  await silent.close();
  await anthropic.close();
  await mm.close();
});

describe('the official SDK as a client', () => {
  it('gets a non-streaming answer', async () => {
    const m = await client.messages.create(ask('hello sdk'));
    assert.equal(m.type, 'message');
    assert.equal(textOf(m), 'echo: hello sdk');
  });

  it('gets a streaming answer through the MessageStream helper', async () => {
    const stream = client.messages.stream(ask('stream please'));
    let deltas = '';
    stream.on('text', (t) => (deltas += t));
    const m = await stream.finalMessage();
    assert.equal(textOf(m), 'echo: stream please');
    assert.equal(deltas, 'echo: stream please');
  });

  it('surfaces the 418 teapot as an APIError with status 418 and the reply text', async () => {
    const err = await thrown(() => client.messages.create(ask('mmstatus')));
    assert.ok(err instanceof APIError);
    assert.ok(!(err instanceof InternalServerError));
    assert.equal(err.status, 418);
    assert.match(err.message, /teapot/);
  });

  it('surfaces a gateway-made 400 as BadRequestError with the gateway request id', async () => {
    const c = new Anthropic({ baseURL: gw.url, apiKey: 'k', maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': '../etc' } });
    const err = await thrown(() => c.messages.create(ask('hi')));
    assert.ok(err instanceof BadRequestError);
    assert.match(err.message, /invalid session id/);
    assert.match(String(err.requestID), /^req_/);
  });

  it('surfaces the loop guard as a 508 InternalServerError', async () => {
    const c = new Anthropic({ baseURL: gw.url, apiKey: 'k', maxRetries: 0, defaultHeaders: { 'x-mmexec-via': gw.gateway.services.instanceId } });
    const err = await thrown(() => c.messages.create(ask('hi')));
    assert.ok(err instanceof InternalServerError);
    assert.equal(err.status, 508);
  });

  it('surfaces an unreachable upstream as a 502 InternalServerError, a slow one as GatewayTimeoutError', async () => {
    const c = new Anthropic({ baseURL: faulty.url, apiKey: 'k', maxRetries: 0 });
    const unreachable = await thrown(() => c.messages.create(ask('hi')));
    assert.ok(unreachable instanceof InternalServerError);
    assert.equal(unreachable.status, 502);
    const slow = await thrown(() => c.messages.create(ask('hi', { model: 'claude-slow' })));
    assert.ok(slow instanceof GatewayTimeoutError);
    const big = await thrown(() => c.messages.create(ask('x'.repeat(4096))));
    assert.ok(big instanceof ContentTooLargeError);
  });

  it('surfaces a remapped MiniMax balance error as PaymentRequiredError', async () => {
    mm.setScript({ error: minimaxError(1008) });
    const c = new Anthropic({ baseURL: gw.url, apiKey: 'k', maxRetries: 0, defaultHeaders: { 'x-claude-code-session-id': 'sdk-billing' } });
    const err = await thrown(() => c.messages.create(ask('mmexec do it')));
    assert.ok(err instanceof PaymentRequiredError);
    assert.match(err.message, /insufficient balance \(1008\)/);
    mm.setScript(undefined);
  });

  it('surfaces an upstream mid-stream error event as an APIError of its type', async () => {
    anthropic.setScript({ text: 'partial answer here', stream: { chunks: 4, errorAfter: 4 } });
    const err = await thrown(() => client.messages.stream(ask('x')).finalMessage());
    assert.ok(err instanceof APIError);
    assert.equal(err.type, 'overloaded_error');
    anthropic.setScript(undefined);
  });

  it('surfaces a stream the upstream cut as an APIError, never as a complete message', async () => {
    anthropic.setScript({ text: 'partial answer here', stream: { chunks: 4, cutAfter: 4 } });
    const err = await thrown(() => client.messages.stream(ask('x')).finalMessage());
    assert.ok(err instanceof APIError);
    assert.equal(err.type, 'api_error');
    anthropic.setScript(undefined);
  });

  it('surfaces a 529 from the upstream as OverloadedError', async () => {
    anthropic.setScript({ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
    const err = await thrown(() => client.messages.create(ask('x')));
    assert.ok(err instanceof OverloadedError);
    anthropic.setScript(undefined);
  });
});
