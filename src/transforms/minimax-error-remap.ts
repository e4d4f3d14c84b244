/**
 * The `minimax-error-remap` response transform. MiniMax reports permanent failures as HTTP 500, which
 * Claude Code retries for minutes; this maps them to the 4xx a client does not retry.
 */
import type { AnthropicErrorType } from '../errors.js';
import type { TransformDefinition } from './transform.js';

/** MiniMax error code → status and Anthropic error type. */
export const MINIMAX_PERMANENT_ERRORS: Readonly<Record<string, { status: number; type: AnthropicErrorType }>> = {
  '1004': { status: 401, type: 'authentication_error' },
  '2049': { status: 401, type: 'authentication_error' },
  '1008': { status: 402, type: 'billing_error' },
  '2061': { status: 403, type: 'permission_error' },
  '2013': { status: 400, type: 'invalid_request_error' },
  '1026': { status: 400, type: 'invalid_request_error' },
  '1027': { status: 400, type: 'invalid_request_error' },
};

/** Finds a MiniMax code in an error message ("insufficient balance (1008)") or base_resp. */
function codeOf(json: unknown): { code: string; message: string } | undefined {
  const j = json as { error?: { message?: unknown }; base_resp?: { status_code?: unknown; status_msg?: unknown } } | undefined;
  const message = typeof j?.error?.message === 'string' ? j.error.message : typeof j?.base_resp?.status_msg === 'string' ? j.base_resp.status_msg : '';
  const fromBase = j?.base_resp?.status_code !== undefined ? String(j.base_resp.status_code) : undefined;
  if (fromBase && MINIMAX_PERMANENT_ERRORS[fromBase]) return { code: fromBase, message };
  for (const m of message.matchAll(/\b(\d{4})\b/g)) if (MINIMAX_PERMANENT_ERRORS[m[1]!]) return { code: m[1]!, message };
  return undefined;
}

/** Remaps MiniMax's permanent 5xx errors, keeping the original message. */
export const minimaxErrorRemap: TransformDefinition = {
  name: 'minimax-error-remap',
  phase: 'response',
  description: 'Maps MiniMax permanent failures sent as HTTP 500 (1004, 1008, 2013, 2049, 2061, 1026, 1027) to 401/402/403/400.',
  compile: () => ({
    name: 'minimax-error-remap',
    onBody(_ctx, body) {
      if (body.status < 500) return;
      const found = codeOf(body.json);
      if (!found) return;
      const to = MINIMAX_PERMANENT_ERRORS[found.code]!;
      const next = { type: 'error', error: { type: to.type, message: found.message || `MiniMax error ${found.code}` } };
      return { status: to.status, json: next, raw: Buffer.from(JSON.stringify(next)) };
    },
  }),
};
