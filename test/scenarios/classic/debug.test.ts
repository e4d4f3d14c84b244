/** DEBUG=1 and DEBUG=2: routing decisions and message summaries on the log, redacted body dumps on disk. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import winston from 'winston';
import { debugLevel } from '../../../src/debug/debug-request.js';
import { DUMP_STRING_LIMIT, redactForDump } from '../../../src/debug/redact.js';
import { postMessages, startClassic } from '../../support/classic-gateway.js';

/** A logger whose lines the test can read. */
function captureLogger(): { logger: winston.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: winston.createLogger({ level: 'info', format: winston.format.simple(), transports: [new winston.transports.Stream({ stream })] }), lines };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const LONG = 'x'.repeat(500);

function history(text: string): Record<string, unknown> {
  return {
    model: 'claude-opus-4-8',
    max_tokens: 100,
    metadata: { user_id: 'u' },
    messages: [
      { role: 'user', content: [{ type: 'text', text: `${LONG} my key is sk-ant-api03-abcdefghijklmnop` }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'mm thought', signature: sha('mm thought') }, { type: 'text', text: 'ok' }] },
      { role: 'user', content: text },
    ],
  };
}

function maxStringLength(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return Math.max(0, ...v.map(maxStringLength));
  if (v && typeof v === 'object') return Math.max(0, ...Object.values(v).map(maxStringLength));
  return 0;
}

describe('DEBUG', () => {
  it('reads the level the way the first mmexec did', () => {
    const table: Array<[string | undefined, number]> = [[undefined, 0], ['', 0], ['0', 0], ['false', 0], ['1', 1], ['true', 1], ['2', 2], ['3', 2]];
    for (const [v, want] of table) assert.equal(debugLevel({ DEBUG: v }), want, String(v));
  });

  it('redacts credentials and cuts every string to 100 characters', () => {
    const out = redactForDump({ headers: { 'x-api-key': 'sk-ant-secret', authorization: 'Bearer abc' }, text: LONG, note: 'use sk-ant-api03-zzzzzzzzzzzz now' }) as { headers: unknown; text: string; note: string };
    assert.deepEqual(out.headers, { 'x-api-key': '[redacted]', authorization: '[redacted]' });
    assert.ok(out.text.startsWith('x'.repeat(DUMP_STRING_LIMIT)) && out.text.length < 120 && out.text.includes('500 chars'));
    assert.equal(out.note, 'use [redacted] now');
  });

  it('DEBUG=1 logs the routing decision and one line per message, and writes no dumps', async () => {
    const { logger, lines } = captureLogger();
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-debug-'));
    const s = await startClassic({ env: { DEBUG: '1', MMEXEC_DEBUG_DIR: dir }, logger });
    try {
      await postMessages(s.gateway.url, history('mmexec go'), 'dbg');
      await postMessages(s.gateway.url, history('mmstatus'), 'dbg');
      const debug = lines.filter((l) => l.includes('debug '));
      assert.ok(debug.some((l) => /route=trigger-minimax .*sticky->minimax .*trigger="mmexec" .*upstream=minimax model=claude-opus-4-8->MiniMax-M2\.7/.test(l)), debug.join(''));
      assert.ok(debug.some((l) => /#1 assistant: thinking\(sha256-signed\) "mm thought" \| text "ok"/.test(l)));
      assert.ok(debug.some((l) => /#2 user: text "go"/.test(l)), 'summaries show what is sent on');
      assert.ok(debug.some((l) => /route=status-minimax .*reply=418/.test(l)));
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('DEBUG=2 dumps each body before and after the transforms, redacted and cut, named by unix nanoseconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-debug-'));
    const { logger } = captureLogger();
    const s = await startClassic({ env: { DEBUG: '2', MMEXEC_DEBUG_DIR: dir }, logger });
    try {
      const t0 = BigInt(Date.now()) * 1_000_000n;
      const r = await postMessages(s.gateway.url, history('mmrelease tidy up'), 'dbg2');
      assert.equal(r.status, 200);
      const files = readdirSync(dir).sort();
      assert.equal(files.length, 2, files.join(', '));
      const [beforeFile, afterFile] = files as [string, string];
      assert.match(beforeFile, /^\d{19}-req_[0-9a-f]+-before\.json$/);
      assert.match(afterFile, /^\d{19}-req_[0-9a-f]+-after-anthropic\.json$/);
      assert.ok(BigInt(beforeFile.split('-')[0]!) >= t0);
      const before = JSON.parse(readFileSync(join(dir, beforeFile), 'utf8')) as { headers: Record<string, string>; body: { messages: Array<{ content: Array<{ type: string; text?: string }> | string }> } };
      const after = JSON.parse(readFileSync(join(dir, afterFile), 'utf8')) as typeof before;
      assert.equal(before.headers['x-api-key'], '[redacted]');
      const raw = readFileSync(join(dir, beforeFile), 'utf8') + readFileSync(join(dir, afterFile), 'utf8');
      assert.ok(!raw.includes('sk-ant-client-key') && !raw.includes('sk-ant-api03'), 'no credential reaches the disk');
      assert.ok(maxStringLength(before) <= DUMP_STRING_LIMIT + 20 && maxStringLength(after) <= DUMP_STRING_LIMIT + 20);
      assert.equal(before.body.messages[2]!.content, 'mmrelease tidy up');
      assert.equal(after.body.messages[2]!.content, 'tidy up');
      assert.deepEqual((after.body.messages[1]!.content as Array<{ type: string }>).map((b) => b.type), ['text', 'text'], 'the conversion is visible after');
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
