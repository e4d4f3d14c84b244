/**
 * Token estimates from request bytes, for providers that cannot count (count_tokens answered locally) and for
 * refusing requests clearly over a context window. Base64 payloads (images, documents, redacted thinking) and
 * thinking signatures are left out: they are not read as text tokens.
 */

/** Bytes per token for a best guess (count_tokens): typical of English text and code in JSON. */
export const BYTES_PER_TOKEN = 4;

/**
 * Bytes per token for the context-window check: more than real Claude Code traffic uses (about 3 to 4), so
 * the estimate stays below the true count and only requests clearly over the window are refused.
 */
export const BYTES_PER_TOKEN_LOW = 5;

const OPAQUE = [Buffer.from('"data":"'), Buffer.from('"signature":"')];

/** Bytes of the request that count as text: everything but base64 data and signatures. */
export function textBytes(raw: Buffer): number {
  let opaque = 0;
  for (const needle of OPAQUE) {
    for (let i = raw.indexOf(needle); i >= 0; ) {
      const start = i + needle.length;
      const end = raw.indexOf(0x22, start); // base64 and signatures hold no quote or escape
      if (end < 0) break;
      opaque += end - start;
      i = raw.indexOf(needle, end);
    }
  }
  return raw.length - opaque;
}

/** Estimated tokens at `bytesPerToken`. */
export function estimateTokens(raw: Buffer, bytesPerToken: number): number {
  return Math.ceil(textBytes(raw) / bytesPerToken);
}

/**
 * The low estimate when it is over `window`, else undefined. Bodies too small to be over it even with every
 * byte counted are not scanned at all.
 */
export function overWindow(raw: Buffer, window: number): number | undefined {
  if (raw.length <= window * BYTES_PER_TOKEN_LOW) return undefined;
  const tokens = estimateTokens(raw, BYTES_PER_TOKEN_LOW);
  return tokens > window ? tokens : undefined;
}
