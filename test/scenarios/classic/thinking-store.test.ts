/** The thinking store: hashes recorded from MiniMax answers (streamed and JSON), marker files, TTL, detection. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStore } from '../../../src/state/file-store.js';
import { ThinkingStore } from '../../../src/thinking/thinking-store.js';
import type { RequestBlock } from '../../support/fake-upstream-common.js';
import { postMessages, startClassic } from '../../support/classic-gateway.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('thinking store', () => {
  it('keeps marker files under thinking/ that expire after their TTL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-thinking-'));
    let now = Date.UTC(2026, 0, 1);
    try {
      const store = new ThinkingStore(new FileStore(dir, () => {}, () => now), 60, () => {});
      await store.record('  a thought\n\n');
      assert.deepEqual(readdirSync(join(dir, 'thinking')), [sha('a thought')], 'named by the hash of the trimmed text');
      assert.deepEqual(await store.recorded([sha('a thought'), sha('other')]), [true, false]);
      now += 59_000;
      assert.deepEqual(await store.recorded([sha('a thought')]), [true]);
      now += 2_000;
      assert.deepEqual(await store.recorded([sha('a thought')]), [false], 'expired after 60 s');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records nothing for empty thinking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-thinking-'));
    try {
      await new ThinkingStore(new FileStore(dir, () => {}), 60, () => {}).record(' \n ');
      assert.equal(existsSync(join(dir, 'thinking')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const stream of [true, false]) {
    it(`records MiniMax thinking from ${stream ? 'a stream (deltas joined per block)' : 'a JSON answer'} and detects it without the signature`, async () => {
      const s = await startClassic();
      try {
        const thought = 'first part, second part, third part';
        s.minimax.enqueue({ thinking: thought, stream: { chunks: 3 } });
        const r = await postMessages(s.gateway.url, { model: 'claude-opus-4-8', max_tokens: 1000, stream, messages: [{ role: 'user', content: 'mmexec think' }] }, 'rec');
        assert.equal(r.status, 200);
        await s.gateway.gateway.services.thinking.settled();
        const marker = join(s.home, 'thinking', sha(thought));
        assert.ok(existsSync(marker), 'marker file written under MMEXEC_HOME/thinking');
        // A signature that is not the text's hash: only the store can tell this block came from MiniMax.
        const history = [
          { role: 'user', content: 'think' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: `${thought}\n`, signature: 'not-a-sha256' }, { type: 'text', text: 'done' }] },
          { role: 'user', content: 'mmrelease go on' },
        ];
        const back = await postMessages(s.gateway.url, { model: 'claude-opus-4-8', max_tokens: 1000, messages: history }, 'rec');
        assert.equal(back.status, 200, back.text.slice(0, 300));
        const sent = s.anthropic.messageBodies()[0]!.messages[1]!.content as RequestBlock[];
        assert.deepEqual(sent[0], { type: 'text', text: `previous assistant thought process: ${thought}` });
      } finally {
        await s.close();
      }
    });
  }

  it('records thinking that MiniMax streams with trailing newlines under the trimmed hash', async () => {
    const s = await startClassic({ minimax: { trailingNewlines: 2 } });
    try {
      s.minimax.enqueue({ thinking: 'padded thought' });
      const r = await postMessages(s.gateway.url, { model: 'claude-opus-4-8', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'mmexec x' }] }, 'pad');
      assert.match(r.text, /padded thought\\n\\n/, 'the fake streamed the newlines');
      await s.gateway.gateway.services.thinking.settled();
      assert.ok(existsSync(join(s.home, 'thinking', sha('padded thought'))));
    } finally {
      await s.close();
    }
  });

  it('does not record thinking from Anthropic answers', async () => {
    const s = await startClassic();
    try {
      s.anthropic.enqueue({ thinking: 'anthropic thought' });
      const r = await postMessages(s.gateway.url, { model: 'claude-opus-4-8', max_tokens: 100, stream: true, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'plain' }] }, 'ant');
      assert.equal(r.status, 200);
      await s.gateway.gateway.services.thinking.settled();
      assert.equal(existsSync(join(s.home, 'thinking')), false);
    } finally {
      await s.close();
    }
  });
});
