/**
 * A forwarded trigger changes sticky state only when its upstream accepted the request: a failed
 * `mmexec <task>` (wrong key, 5xx, no connection) leaves the session where it was, so the next message does
 * not land on a MiniMax that cannot answer. The teapot toggles change state at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '../../support/free-port.js';
import { minimaxError, startFakeMiniMax } from '../../support/fake-minimax.js';
import { startTestGateway } from '../../support/gateway.js';
import { postMessages, startClassic, type ClassicSetup } from '../../support/classic-gateway.js';

const say = (text: string): Record<string, unknown> => ({ model: 'claude-opus-4-8', max_tokens: 64, stream: true, messages: [{ role: 'user', content: text }] });

async function provider(s: ClassicSetup, session: string): Promise<string> {
  const r = await postMessages(s.gateway.url, say('mmstatus'), session);
  assert.equal(r.status, 418);
  return /current provider: (\w+)/.exec(r.text)?.[1] ?? r.text;
}

async function switches(s: ClassicSetup): Promise<number> {
  const text = await (await fetch(`${s.gateway.url}/metrics`)).text();
  return [...text.matchAll(/^mmexec_route_switches_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('sticky state of a forwarded trigger', () => {
  type Failure = { env?: NodeJS.ProcessEnv; script?: (s: ClassicSetup) => void };
  const failures: Array<[string, () => Promise<Failure>]> = [
    ['MiniMax rejects the key (401)', async () => ({ env: { MINIMAX_API_KEY: 'wrong-key' } })],
    ['MiniMax answers a retryable 5xx', async () => ({ script: (s) => s.minimax.setScript({ error: minimaxError(1024) }) })],
    ['MiniMax reports an empty balance', async () => ({ script: (s) => s.minimax.setScript({ error: minimaxError(1008) }) })],
    ['MiniMax cannot be reached', async () => ({ env: { MINIMAX_BASE_URL: `http://127.0.0.1:${await freePort()}/anthropic` } })],
    ['the MiniMax key is not set', async () => ({ env: { MINIMAX_API_KEY: '' } })],
  ];
  for (const [what, make] of failures) {
    it(`leaves the session on Anthropic when ${what}`, async () => {
      const { env, script } = await make();
      const s = await startClassic({ env });
      try {
        script?.(s);
        const r = await postMessages(s.gateway.url, say('mmexec fix the tests'), 'failed-trigger');
        assert.ok(r.status >= 400, `the trigger fails: ${r.status} ${r.text.slice(0, 200)}`);
        assert.equal(await provider(s, 'failed-trigger'), 'Anthropic');
        assert.equal(await switches(s), 0, 'no sticky switch is counted');
        const before = s.anthropic.messageBodies().length;
        const next = await postMessages(s.gateway.url, say('and now?'), 'failed-trigger');
        assert.equal(next.status, 200);
        assert.equal(s.anthropic.messageBodies().length, before + 1, 'the next message goes to Anthropic');
      } finally {
        await s.close();
      }
    });
  }

  it('makes the session sticky once MiniMax accepted the trigger', async () => {
    const s = await startClassic();
    try {
      const r = await postMessages(s.gateway.url, say('mmexec fix the tests'), 'good-trigger');
      assert.equal(r.status, 200);
      assert.equal(await provider(s, 'good-trigger'), 'MiniMax');
      assert.equal(await switches(s), 1);
    } finally {
      await s.close();
    }
  });

  it('keeps the session on MiniMax when the request of `mmrelease <task>` fails on Anthropic', async () => {
    const s = await startClassic();
    try {
      assert.equal((await postMessages(s.gateway.url, say('mmexec'), 'release')).status, 418);
      s.anthropic.setScript({ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
      const r = await postMessages(s.gateway.url, say('mmrelease go back'), 'release');
      assert.equal(r.status, 529);
      assert.equal(await provider(s, 'release'), 'MiniMax');
      s.anthropic.setScript(undefined);
      assert.equal((await postMessages(s.gateway.url, say('mmrelease go back'), 'release')).status, 200);
      assert.equal(await provider(s, 'release'), 'Anthropic');
    } finally {
      await s.close();
    }
  });

  it('switches at once on the teapot toggles, which call no upstream', async () => {
    const s = await startClassic({ env: { MINIMAX_API_KEY: 'wrong-key' } });
    try {
      assert.equal((await postMessages(s.gateway.url, say('mmexec'), 'toggle')).status, 418);
      assert.equal(await provider(s, 'toggle'), 'MiniMax');
      assert.equal((await postMessages(s.gateway.url, say('mmrelease'), 'toggle')).status, 418);
      assert.equal(await provider(s, 'toggle'), 'Anthropic');
      assert.equal(s.minimax.requests.length, 0);
    } finally {
      await s.close();
    }
  });

  it('answers 503, not the accepted answer, when a fail_closed store cannot record the change', async () => {
    const minimax = await startFakeMiniMax();
    const yaml = `version: 1
state: { store: memory, on_error: fail_closed }
upstreams:
  minimax: { url: "${minimax.url}", auth: passthrough }
routes:
  - { name: trigger, when: { last_user_text: { prefix: go } }, sticky: { set: minimax }, upstream: minimax }
`;
    const gw = await startTestGateway(yaml);
    try {
      gw.gateway.services.store.set = () => Promise.reject(new Error('store down'));
      const r = await postMessages(gw.url, say('go on'), 'closed');
      assert.equal(r.status, 503, r.text);
      assert.match(r.text, /routing state is unavailable/);
      assert.equal(minimax.messageBodies().length, 1, 'the upstream had accepted it');
    } finally {
      await gw.close();
      await minimax.close();
    }
  });
});
