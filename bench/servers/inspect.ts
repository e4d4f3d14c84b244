/**
 * Summary of a request body as the fake upstream received it, used to check the gateway routed and converted.
 */
import type http from 'node:http';
import { createHash } from 'node:crypto';
import type { Provider } from './sse.js';

/** What the upstream saw in one request. */
export interface BodySummary {
  provider: Provider;
  path: string;
  bytes: number;
  model: string;
  messages: number;
  thinkingBlocks: number;
  minimaxSignedThinking: number;
  lastUserText: string;
  sessionHeader: boolean;
  auth: 'x-api-key' | 'bearer' | 'none';
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function lastUserText(messages: unknown[]): string {
  const lastMsg = messages[messages.length - 1] as { role?: string; content?: unknown } | undefined;
  if (!lastMsg || lastMsg.role !== 'user') return '';
  if (typeof lastMsg.content === 'string') return lastMsg.content;
  if (!Array.isArray(lastMsg.content)) return '';
  const texts = lastMsg.content.filter((b: { type?: string }) => b.type === 'text') as { text?: string }[];
  return texts[texts.length - 1]?.text ?? '';
}

/** Parses a request body and counts what the benchmark checks. */
export function inspectBody(provider: Provider, url: string, headers: http.IncomingHttpHeaders, body: Buffer): BodySummary {
  let parsed: { model?: string; messages?: unknown[] } = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    parsed = {};
  }
  const messages = Array.isArray(parsed.messages) ? parsed.messages : [];
  let thinkingBlocks = 0;
  let minimaxSignedThinking = 0;
  for (const message of messages) {
    const content = (message as { content?: unknown }).content;
    if (!Array.isArray(content)) continue;
    for (const block of content as { type?: string; thinking?: string; signature?: string }[]) {
      if (block.type !== 'thinking') continue;
      thinkingBlocks++;
      const text = block.thinking ?? '';
      if (block.signature === sha256(text) || block.signature === sha256(text.trim())) minimaxSignedThinking++;
    }
  }
  const authorization = headers.authorization;
  return {
    provider,
    path: url,
    bytes: body.length,
    model: parsed.model ?? '',
    messages: messages.length,
    thinkingBlocks,
    minimaxSignedThinking,
    lastUserText: lastUserText(messages).slice(0, 80),
    sessionHeader: headers['x-claude-code-session-id'] !== undefined,
    auth: headers['x-api-key'] ? 'x-api-key' : authorization ? 'bearer' : 'none',
  };
}
