import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startClaude, type ClaudeSession } from '../support/claude-cli.js';
import { claudeRelease, DEFAULT_VERSION, releaseSkip } from '../support/claude-releases.js';
import { startFakeAnthropic } from '../support/fake-anthropic.js';
import { startFakeMiniMax } from '../support/fake-minimax.js';
import { lastUserText, type MessagesBody, type RequestBlock } from '../support/fake-upstream-common.js';

const missing = releaseSkip(claudeRelease(DEFAULT_VERSION));
const T = { timeout: 60_000, skip: missing };

function assistantBlocks(body: MessagesBody | undefined): RequestBlock[][] {
  return (body?.messages ?? [])
    .filter((m) => m.role === 'assistant')
    .map((m) => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content));
}

async function withSession<R>(session: ClaudeSession, fn: (s: ClaudeSession) => Promise<R>): Promise<R> {
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

describe('claude-cli driver against the fakes (no gateway)', () => {
  it('runs three turns and Claude Code sends what the gateway must expect', T, async () => {
    const fake = await startFakeAnthropic();
    try {
      await withSession(startClaude({ baseUrl: fake.url, apiKey: 'sk-ant-direct' }), async (claude) => {
        const r1 = await claude.turn('hello one');
        assert.deepEqual([r1.is_error, r1.result], [false, 'echo: hello one']);
        const r2 = await claude.turn('hello two');
        assert.deepEqual([r2.is_error, r2.result], [false, 'echo: hello two']);
        const r3 = await claude.turn('hello three');
        assert.equal(r3.result, 'echo: hello three');

        const sid = claude.sessionId();
        assert.ok(sid);
        assert.deepEqual(
          fake.requests.map((r) => `${r.method} ${r.path}`),
          ['POST /v1/messages?beta=true', 'POST /v1/messages?beta=true', 'POST /v1/messages?beta=true'],
          'no HEAD /, count_tokens or models calls in -p stream-json mode',
        );
        for (const r of fake.requests) {
          assert.equal(r.headers['x-claude-code-session-id'], sid);
          assert.equal(r.auth, 'x-api-key');
          assert.equal(r.credential, 'sk-ant-direct');
          assert.equal(r.headers['anthropic-version'], '2023-06-01');
          assert.equal(r.headers['x-app'], 'cli');
          assert.match(String(r.headers['user-agent']), /^claude-cli\/2\.1\.197 /);
          const betas = String(r.headers['anthropic-beta']).split(',');
          assert.ok(betas.includes('claude-code-20250219') && betas.some((b) => b.startsWith('context-management-')));
        }
        const bodies = fake.messageBodies();
        assert.deepEqual(bodies.map(lastUserText), ['hello one', 'hello two', 'hello three']);
        const first = bodies[0];
        assert.ok(first);
        assert.equal(first.stream, true);
        assert.deepEqual(first.thinking, { type: 'adaptive' });
        assert.ok(first.context_management, 'context_management is sent');
        const meta = JSON.parse(String((first.metadata as { user_id: string }).user_id)) as { session_id: string };
        assert.equal(meta.session_id, sid);
        const sys = first.system as RequestBlock[];
        assert.match(String(sys[0]?.text), /^x-anthropic-billing-header: /);

        const [prevAssistant] = assistantBlocks(bodies[1]);
        assert.equal(prevAssistant?.[0]?.type, 'thinking', '2nd turn replays the thinking block');
        const t = prevAssistant?.[0];
        assert.ok(fake.isIssued(String(t?.signature), String(t?.thinking)), 'with the fake\'s own signature');
        assert.equal(assistantBlocks(bodies[2]).length, 2);
      });
    } finally {
      await fake.close();
    }
  });

  it('drops thinking blocks of a reply whose model differs from the requested one', T, async () => {
    const fake = await startFakeAnthropic();
    try {
      await withSession(startClaude({ baseUrl: fake.url }), async (claude) => {
        fake.enqueue({ model: 'MiniMax-M2.7', thinking: 'foreign thought', text: 'from another model' });
        assert.equal((await claude.turn('first')).result, 'from another model');
        await claude.turn('second');
        const [prev] = assistantBlocks(fake.messageBodies()[1]);
        assert.deepEqual(prev?.map((b) => b.type), ['text'], 'thinking is gone from the history');
        assert.equal(fake.messageBodies()[0]?.model, 'claude-opus-4-8');
      });
    } finally {
      await fake.close();
    }
  });

  it('keeps a base URL path prefix, sends an auth token as Bearer and adds custom headers', T, async () => {
    const mm = await startFakeMiniMax();
    try {
      const opts = { baseUrl: mm.url, authToken: 'mm-token', customHeaders: { 'x-mmexec-test': 'yes' }, model: 'MiniMax-M2.7' };
      await withSession(startClaude(opts), async (claude) => {
        const r1 = await claude.turn('ping');
        assert.deepEqual([r1.is_error, r1.result], [false, 'echo: ping']);
        await claude.turn('pong');
        const [req1, req2] = mm.requests;
        assert.equal(req1?.path, '/anthropic/v1/messages?beta=true');
        assert.equal(req1?.auth, 'bearer');
        assert.equal(req1?.credential, 'mm-token');
        assert.equal(req1?.headers['x-mmexec-test'], 'yes');
        const [prev] = assistantBlocks(req2?.json as MessagesBody);
        assert.equal(prev?.[0]?.type, 'thinking', 'same model name: MiniMax thinking is replayed');
        assert.match(String(prev?.[0]?.signature), /^[0-9a-f]{64}$/);
      });
    } finally {
      await mm.close();
    }
  });

  it('reports an upstream error as an error result and merges the failed text into the next turn', T, async () => {
    const fake = await startFakeAnthropic();
    try {
      await withSession(startClaude({ baseUrl: fake.url }), async (claude) => {
        fake.enqueue({ error: { status: 418, type: 'invalid_request_error', message: 'teapot says no' } });
        const bad = await claude.turn('mmstatus');
        assert.equal(bad.is_error, true);
        assert.match(bad.result, /418/);
        assert.match(bad.result, /teapot says no/);
        const good = await claude.turn('next please');
        assert.equal(good.is_error, false);
        const last = fake.messageBodies()[1]?.messages.at(-1);
        const texts = Array.isArray(last?.content) ? last.content.filter((b) => b.type === 'text').map((b) => String(b.text)) : [last?.content];
        assert.ok(texts.some((t) => t?.includes('mmstatus')), `failed text carried over: ${JSON.stringify(texts)}`);
        assert.equal(texts.at(-1), 'next please');
      });
    } finally {
      await fake.close();
    }
  });

  it('fails a turn loudly on timeout and kills the process', T, async () => {
    const fake = await startFakeAnthropic({ stream: { stallAfter: 2 } });
    const claude = startClaude({ baseUrl: fake.url });
    try {
      await assert.rejects(claude.turn('stall', { timeoutMs: 2500 }), /no result event within 2500 ms[\s\S]*--- stderr ---/);
      await new Promise((r) => setTimeout(r, 300));
      assert.throws(() => process.kill(claude.pid, 0), 'the process is gone');
    } finally {
      await claude.close();
      await fake.close();
    }
  });

  it('refuses a non-loopback base URL', () => {
    assert.throws(() => startClaude({ baseUrl: 'https://api.anthropic.com' }), /non-loopback/);
  });
});
