/**
 * A wrong or missing MiniMax key reaches the real Claude Code CLI, with its default retries, as one error it
 * shows at once and that names MINIMAX_API_KEY, not as minutes of retries ending in "Please run /login".
 * It drives the newest release of the matrix; MMEXEC_CLAUDE_BIN runs it against another Claude Code binary (e.g. a newer release installed elsewhere).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startClaude } from '../../support/claude-cli.js';
import { claudeRelease, releaseSkip } from '../../support/claude-releases.js';
import { startClassic } from '../../support/classic-gateway.js';

const release = claudeRelease('2.1.332');
const CLAUDE_BIN = process.env.MMEXEC_CLAUDE_BIN ?? release.bin;
const missing = process.env.MMEXEC_CLAUDE_BIN ? (existsSync(CLAUDE_BIN) ? false : `${CLAUDE_BIN} is not there`) : releaseSkip(release);
if (missing && process.env.CI) throw new Error(`CI: ${missing}`);

/** Well under Claude Code's ten retries with backoff (about three minutes). */
const AT_ONCE_MS = 30_000;

describe('a MiniMax key problem seen from the real Claude Code CLI', { skip: missing }, () => {
  const cases: Array<[string, NodeJS.ProcessEnv, RegExp, number]> = [
    ['a key MiniMax rejects', { MINIMAX_API_KEY: 'not-the-key' }, /^API Error: 402 MiniMax rejected the key in MINIMAX_API_KEY \(invalid api key \(2049\)\)/, 1],
    ['no key at all', { MINIMAX_API_KEY: '' }, /^API Error: 402 upstream "minimax" needs an API key: MINIMAX_API_KEY is not set/, 0],
  ];
  for (const [what, env, shown, minimaxCalls] of cases) {
    it(`shows ${what} at once, naming MINIMAX_API_KEY, and keeps the session on Anthropic`, { timeout: 90_000 }, async () => {
      const s = await startClassic({ env });
      const claude = startClaude({ baseUrl: s.gateway.url, bin: CLAUDE_BIN, maxRetries: 'default', turnTimeoutMs: AT_ONCE_MS });
      try {
        const started = Date.now();
        const r = await claude.turn('mmexec write a haiku');
        assert.equal(r.is_error, true);
        assert.match(r.result, shown);
        assert.doesNotMatch(r.result, /\/login|Failed to authenticate/);
        assert.equal(s.minimax.messageBodies().length, minimaxCalls, 'Claude Code did not retry');
        assert.ok(Date.now() - started < AT_ONCE_MS);

        const next = await claude.turn('hello again');
        assert.deepEqual([next.is_error, next.result], [false, 'echo: hello again'], 'the failed trigger left the session on Anthropic');
      } finally {
        await claude.close();
        await s.close();
      }
    });
  }
});
