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
  /** Lengths of the summary parts when there were several (the block's text joins them with SUMMARY_JOINER). */
  partLengths?: number[];
}

/** What separates the summary parts of a reasoning item in the thinking text. */
export const SUMMARY_JOINER = '\n\n';

/** The signature of a thinking block made from the reasoning item `ref`. */
export function encodeReasoningSignature(ref: ReasoningRef): string {
  const payload: Record<string, unknown> = { id: ref.id, s: ref.summarised ? 1 : 0 };
  if (ref.encryptedContent !== undefined) payload.ec = ref.encryptedContent;
  if (ref.partLengths && ref.partLengths.length > 1) payload.p = ref.partLengths;
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
    if (Array.isArray(json.p) && json.p.every((n) => Number.isInteger(n) && (n as number) >= 0)) ref.partLengths = json.p as number[];
    return ref;
  } catch {
    return undefined;
  }
}

/** The summary parts of a thinking text: split at the recorded part lengths, or whole when they no longer fit it. */
export function summaryParts(text: string, partLengths: number[] | undefined): string[] {
  if (!partLengths || partLengths.length < 2) return [text];
  const total = partLengths.reduce((a, b) => a + b, 0) + SUMMARY_JOINER.length * (partLengths.length - 1);
  if (total !== text.length) return [text];
  const parts: string[] = [];
  let at = 0;
  for (const n of partLengths) {
    parts.push(text.slice(at, at + n));
    at += n + SUMMARY_JOINER.length;
  }
  return parts;
}
