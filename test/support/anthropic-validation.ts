/**
 * The request checks fake-anthropic applies, with Anthropic's own error messages: signed thinking, non-empty
 * text (also inside tool results), tool_use / tool_result pairing, thinking-first tool loops under manual
 * thinking, required fields.
 */
import type { MessagesBody, RequestBlock, RequestMessage } from './fake-upstream-common.js';

/** A rejected request: the 400 invalid_request_error message. */
export interface ValidationFailure {
  message: string;
}

/** Checks signatures of thinking and redacted_thinking blocks. */
export type SignatureCheck = (block: RequestBlock) => boolean;

/** Anthropic's message for a manual-thinking tool loop whose final assistant message lacks leading thinking. */
export function thinkingFirstMessage(n: number, found: string): string {
  return (
    `messages.${n}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${found}\`. ` +
    'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the ' +
    'lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from ' +
    'previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at ' +
    'https://docs.claude.com/en/docs/build-with-claude/extended-thinking'
  );
}

function checkText(where: string, b: RequestBlock): ValidationFailure | null {
  if (typeof b.text !== 'string') return { message: `${where}.text: Input should be a valid string` };
  if (b.text === '') return { message: `${where.split('.')[0]}: text content blocks must be non-empty` };
  if (b.text.trim() === '') {
    return { message: `${where.split('.')[0]}: text content blocks must contain non-whitespace text` };
  }
  return null;
}

function checkBlocks(n: number, m: RequestMessage, signed: SignatureCheck): ValidationFailure | null {
  if (typeof m.content === 'string') {
    return m.content === '' ? { message: nonEmptyContent(n) } : null;
  }
  if (!Array.isArray(m.content)) return { message: `messages.${n}.content: Input should be a valid list` };
  if (m.content.length === 0) return { message: nonEmptyContent(n) };
  for (let j = 0; j < m.content.length; j++) {
    const b = m.content[j];
    const where = `messages.${n}.content.${j}`;
    if (!b || typeof b !== 'object' || typeof b.type !== 'string') return { message: `${where}: Input should be an object with a type` };
    if (b.type === 'text') {
      const bad = checkText(where, b);
      if (bad) return bad;
    } else if (b.type === 'thinking') {
      if (typeof b.signature !== 'string') return { message: `${where}.thinking.signature: Field required` };
      if (!signed(b)) return { message: `${where}: Invalid \`signature\` in \`thinking\` block` };
    } else if (b.type === 'redacted_thinking') {
      if (!signed(b)) return { message: `${where}: Invalid \`data\` in \`redacted_thinking\` block` };
    } else if (b.type === 'tool_result' && Array.isArray(b.content)) {
      const inner = (b.content as RequestBlock[]).find((c) => c?.type === 'text' && (typeof c.text !== 'string' || c.text.trim() === ''));
      if (inner) return checkText(`${where}.content`, inner);
    }
  }
  return null;
}

const toolIds = (m: RequestMessage | undefined, type: string, key: string): string[] =>
  m && Array.isArray(m.content) ? m.content.filter((b) => b?.type === type).map((b) => String(b[key])) : [];

/**
 * Anthropic's pairing rule: every tool_use id of an assistant message has a tool_result in the very next
 * message, and every tool_result answers a tool_use of the message before it. Error texts as Anthropic
 * words them (seen in public reports, e.g. github.com/anthropics/claude-code/issues/2697 and #13460, read
 * 2026-12-01).
 */
export function checkToolPairing(messages: RequestMessage[]): ValidationFailure | null {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const asked = m?.role === 'assistant' ? toolIds(m, 'tool_use', 'id') : [];
    const next = messages[i + 1];
    const answered = next?.role === 'user' ? toolIds(next, 'tool_result', 'tool_use_id') : [];
    const missing = asked.filter((id) => !answered.includes(id));
    if (missing.length > 0 && next !== undefined) {
      return {
        message: `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      };
    }
    if (m?.role !== 'user' || !Array.isArray(m.content)) continue;
    const before = toolIds(messages[i - 1]?.role === 'assistant' ? messages[i - 1] : undefined, 'tool_use', 'id');
    for (let j = 0; j < m.content.length; j++) {
      const b = m.content[j];
      if (b?.type !== 'tool_result' || before.includes(String(b.tool_use_id))) continue;
      return {
        message: `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      };
    }
  }
  return null;
}

function nonEmptyContent(n: number): string {
  return `messages.${n}: all messages must have non-empty content except for the optional final assistant message`;
}

function checkManualThinkingLoop(body: MessagesBody): ValidationFailure | null {
  if (body.thinking?.type !== 'enabled') return null;
  const last = [...body.messages].reverse().find((m) => m.role !== 'system'); // trailing system turns do not end the loop
  if (!last || last.role !== 'user' || typeof last.content === 'string') return null;
  if (!last.content.some((b) => b.type === 'tool_result')) return null;
  for (let i = body.messages.length - 2; i >= 0; i--) {
    const m = body.messages[i];
    if (!m || m.role !== 'assistant') continue;
    const first = typeof m.content === 'string' ? 'text' : (m.content[0]?.type ?? 'text');
    if (first === 'thinking' || first === 'redacted_thinking') return null;
    return { message: thinkingFirstMessage(i, first) };
  }
  return null;
}

/** Validates a Messages (or count_tokens) body the way Anthropic does for the cases the fake models. */
export function validateMessagesBody(json: unknown, signed: SignatureCheck, countTokens = false): ValidationFailure | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { message: 'There was an error parsing the body' };
  const body = json as Partial<MessagesBody>;
  if (typeof body.model !== 'string') return { message: 'model: Field required' };
  if (!countTokens && typeof body.max_tokens !== 'number') return { message: 'max_tokens: Field required' };
  if (!Array.isArray(body.messages)) return { message: 'messages: Field required' };
  if (Array.isArray(body.system)) {
    for (let j = 0; j < body.system.length; j++) {
      const b = body.system[j];
      if (b?.type === 'text') {
        const bad = checkText(`system.${j}`, b);
        if (bad) return bad;
      }
    }
  }
  const t = body.thinking;
  if (!countTokens && t?.type === 'enabled') {
    if (typeof t.budget_tokens !== 'number' || t.budget_tokens < 1024) {
      return { message: 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024' };
    }
    if (typeof body.max_tokens === 'number' && body.max_tokens <= t.budget_tokens) {
      return { message: '`max_tokens` must be greater than `thinking.budget_tokens`' };
    }
  }
  for (let i = 0; i < body.messages.length; i++) {
    const m = body.messages[i];
    if (!m || typeof m !== 'object') return { message: `messages.${i}: Input should be a valid dictionary` };
    if (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system') {
      return { message: `messages.${i}.role: Input should be 'user' or 'assistant'` };
    }
    const bad = checkBlocks(i, m, signed);
    if (bad) return bad;
  }
  return checkToolPairing(body.messages) ?? checkManualThinkingLoop(body as MessagesBody);
}
