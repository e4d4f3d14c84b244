/** Sticky state in the file store: one file per session under MMEXEC_HOME, surviving a gateway restart. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { compilePlan } from '../../../src/plan/compile.js';
import { BUNDLED_CONFIG, postMessages, startClassic } from '../../support/classic-gateway.js';

const body = (text: string): Record<string, unknown> => ({ model: 'claude-opus-4-8', max_tokens: 100, messages: [{ role: 'user', content: text }] });

describe('classic state', () => {
  it('keeps a sticky session on MiniMax across a gateway restart, in MMEXEC_HOME/state/<session>.json', async () => {
    const s = await startClassic();
    try {
      await postMessages(s.gateway.url, body('mmexec begin'), 'persist-1');
      const file = join(s.home, 'state', 'persist-1.json');
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { value: string }).value, 'minimax');
      await s.restart();
      const mm = s.minimax.requests.length;
      assert.equal((await postMessages(s.gateway.url, body('continue'), 'persist-1')).status, 200);
      assert.equal(s.minimax.requests.length, mm + 1);
      await postMessages(s.gateway.url, body('mmrelease'), 'persist-1');
      assert.equal(existsSync(file), false, 'release removes the session file');
      await s.restart();
      const ant = s.anthropic.requests.length;
      await postMessages(s.gateway.url, body('still released'), 'persist-1');
      assert.equal(s.anthropic.requests.length, ant + 1);
    } finally {
      await s.close();
    }
  });

  it('keeps sessions apart', async () => {
    const s = await startClassic();
    try {
      await postMessages(s.gateway.url, body('mmexec'), 'one');
      assert.match((await postMessages(s.gateway.url, body('mmstatus'), 'one')).text, /MiniMax/);
      assert.match((await postMessages(s.gateway.url, body('mmstatus'), 'two')).text, /Anthropic/);
    } finally {
      await s.close();
    }
  });

  it('puts its state under MMEXEC_HOME, and under ~/.claude/mmexec without it', () => {
    const env = { MINIMAX_API_KEY: 'k' };
    const moved = compilePlan(loadConfig(BUNDLED_CONFIG, { env: { ...env, MMEXEC_HOME: '/tmp/elsewhere' } }), env).plan;
    assert.equal(moved.state.dir, '/tmp/elsewhere');
    assert.equal(moved.state.store, 'file');
    const plain = compilePlan(loadConfig(BUNDLED_CONFIG, { env }), env).plan;
    assert.equal(plain.state.dir, join(homedir(), '.claude', 'mmexec'));
  });

  it('takes PORT and MINIMAX_API_KEY from the environment like the first mmexec', () => {
    const env = { PORT: '8123', MINIMAX_API_KEY: 'mm-key' };
    const { plan, warnings } = compilePlan(loadConfig(BUNDLED_CONFIG, { env }), env);
    assert.equal(plan.server.port, 8123);
    assert.deepEqual(plan.upstreams.get('minimax')?.auth, { kind: 'key', env: 'MINIMAX_API_KEY', as: 'bearer' });
    assert.deepEqual([...plan.upstreams.keys()], ['anthropic', 'minimax']);
    assert.deepEqual(warnings, []);
    const noKey = compilePlan(loadConfig(BUNDLED_CONFIG, { env: {} }), {});
    assert.match(noKey.warnings.map((w) => w.message).join('\n'), /MINIMAX_API_KEY is not set/);
  });
});
