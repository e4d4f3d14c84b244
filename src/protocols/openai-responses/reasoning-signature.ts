/**
 * Carries a Responses reasoning item through an Anthropic thinking block. The block's `signature` holds what is
 * needed to send the item back statelessly on a later turn (its id and `encrypted_content`, see
 * https://platform.openai.com/docs/guides/reasoning#keeping-reasoning-items-in-context), behind a prefix that no
 * Anthropic signature (opaque base64) or self-hash signature (hex) can start with.
 */

/** Every signature this protocol writes starts with this prefix. */
export const REASONING_SIGNATURE_PREFIX = 'mmexec:openai-responses:reasoning:v1:';

/** Thinking text of a block made from a reasoning item that came without a summary (never empty, see docs). */
export const UNSUMMARISED_THINKING = '(reasoning without a summary)';

/** What a signature carries of one reasoning item. */
export interface ReasoningRef {
  id: string;
  encryptedContent?: string;
  /** False when the item had no summary (the block's text is then UNSUMMARISED_THINKING, not the model's). */
  summarised: boolean;
}

/** The signature of a thinking block made from the reasoning item `ref`. */
export function encodeReasoningSignature(ref: ReasoningRef): string {
  const payload: Record<string, unknown> = { id: ref.id, s: ref.summarised ? 1 : 0 };
  if (ref.encryptedContent !== undefined) payload.ec = ref.encryptedContent;
  return REASONING_SIGNATURE_PREFIX + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** True when `signature` was written by this protocol (whether or not it still decodes). */
export function isReasoningSignature(signature: unknown): signature is string {
  return typeof signature === 'string' && signature.startsWith(REASONING_SIGNATURE_PREFIX);
}

/** The reasoning item a signature of this protocol carries, or undefined when it is not one or is damaged. */
export function decodeReasoningSignature(signature: unknown): ReasoningRef | undefined {
  if (!isReasoningSignature(signature)) return undefined;
  try {
    const json = JSON.parse(Buffer.from(signature.slice(REASONING_SIGNATURE_PREFIX.length), 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof json.id !== 'string' || json.id === '') return undefined;
    const ref: ReasoningRef = { id: json.id, summarised: json.s !== 0 };
    if (typeof json.ec === 'string') ref.encryptedContent = json.ec;
    return ref;
  } catch {
    return undefined;
  }
}
