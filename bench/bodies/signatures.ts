/**
 * Thinking-block signatures as the two providers issue them: Anthropic's opaque base64 and MiniMax's sha256 hex.
 */
import { createHash } from 'node:crypto';
import type { Prng } from './prng.js';

/** MiniMax's signature for a thinking text: the hex SHA-256 of the text. */
export function minimaxSignature(thinking: string): string {
  return createHash('sha256').update(thinking, 'utf8').digest('hex');
}

/** An opaque base64 signature shaped like Anthropic's (starts with "Eq", a few hundred characters). */
export function anthropicSignature(prng: Prng): string {
  return `Eq${prng.bytes(prng.int(240, 420)).toString('base64')}`;
}

/** Whether a signature is MiniMax's for this thinking text (raw or trimmed), as the gateway must detect it. */
export function isMinimaxSigned(thinking: string, signature: string): boolean {
  return signature === minimaxSignature(thinking) || signature === minimaxSignature(thinking.trim());
}
