/** What the matrix scenarios look at in the bodies the fakes received. */
import assert from 'node:assert/strict';
import type { TurnResult } from '../../support/claude-cli.js';
import type { MessagesBody, RequestBlock, RequestMessage } from '../../support/fake-upstream-common.js';
import type { ClassicSetup } from '../../support/classic-gateway.js';

/** The classic words answered by the gateway itself. */
export const TOGGLES = ['mmexec', 'mmrelease', 'mmstatus'];

/** A message's content as blocks. */
export function blocks(m: RequestMessage | undefined): RequestBlock[] {
  if (!m) return [];
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
}

/** A turn that ended well with exactly this answer. */
export function ok(r: TurnResult, want: string): void {
  assert.deepEqual([r.is_error, r.result], [false, want]);
}

/** A turn the gateway answered with its teapot. */
export function teapot(r: TurnResult, text: RegExp): void {
  assert.equal(r.is_error, true, r.result);
  assert.match(r.result, /418/);
  assert.match(r.result, text);
}

/** Text blocks of user turns that hold nothing but a toggle word: teapot leftovers Claude Code merged in. */
export function leftovers(body: MessagesBody): string[] {
  return body.messages
    .filter((m) => m.role === 'user')
    .flatMap(blocks)
    .filter((b) => b.type === 'text' && TOGGLES.includes(String(b.text).trim()))
    .map((b) => String(b.text));
}

/** Whether a block is a MiniMax thinking block (signature = 64 hex chars). */
export const isMiniMaxThinking = (b: RequestBlock | undefined): boolean => b?.type === 'thinking' && /^[0-9a-f]{64}$/.test(String(b.signature));

/** Counts Messages requests each fake received since the tracker was made. */
export function tracker(s: ClassicSetup): { counts(): [number, number]; anthropic(): MessagesBody[]; minimax(): MessagesBody[] } {
  const a0 = s.anthropic.messageBodies().length;
  const m0 = s.minimax.messageBodies().length;
  const anthropic = (): MessagesBody[] => s.anthropic.messageBodies().slice(a0);
  const minimax = (): MessagesBody[] => s.minimax.messageBodies().slice(m0);
  return { counts: () => [anthropic().length, minimax().length], anthropic, minimax };
}

/** The assistant turns of a body, as blocks. */
export function assistantTurns(body: MessagesBody): RequestBlock[][] {
  return body.messages.filter((m) => m.role === 'assistant').map(blocks);
}
