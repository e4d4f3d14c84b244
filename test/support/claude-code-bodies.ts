/**
 * Claude Code request bodies for the provider tests: every Messages request Claude Code 2.1.332 made in the
 * captured scenarios (test/fixtures/claude-code/2.1.332, see the README there for their origin), and bodies
 * built from the last captured tool-loop request with the shapes the captures lack, as the project's protocol
 * notes describe them (Claude Code from 2.1.300): image blocks (also inside a tool result, as the Read tool
 * returns them), a PDF document, a `safeguards` field, a deferred tool, a web search server tool with its
 * results and redacted thinking in the history, sampling parameters, and a count_tokens body.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/claude-code/2.1.332/', import.meta.url));

/** One request to replay. */
export interface ClaudeCodeRequest {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

interface Capture {
  requests: Array<{ method: string; path: string; headers: Record<string, string>; body: unknown }>;
}

/** Headers worth replaying (the captured ones, without hop-by-hop, host and credentials). */
function replayHeaders(h: Record<string, string>): Record<string, string> {
  const drop = new Set(['host', 'connection', 'content-length', 'accept-encoding', 'x-api-key', 'authorization']);
  return Object.fromEntries(Object.entries(h).filter(([k]) => !drop.has(k)));
}

/** Every captured POST /v1/messages request of Claude Code 2.1.332. */
export function capturedRequests(): ClaudeCodeRequest[] {
  const out: ClaudeCodeRequest[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
    const cap = JSON.parse(readFileSync(`${DIR}${file}`, 'utf8')) as Capture;
    cap.requests.forEach((r, i) => {
      if (r.method !== 'POST' || !r.path.startsWith('/v1/messages') || typeof r.body !== 'object') return;
      out.push({ name: `${file.replace(/\.json$/, '')} #${i + 1}`, path: r.path, headers: replayHeaders(r.headers), body: r.body as Record<string, unknown> });
    });
  }
  return out;
}

// A 1x1 PNG and a tiny PDF, base64.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

const clone = <T>(v: T): T => structuredClone(v);
type Msg = { role: string; content: unknown };

/** The last request of the captured tool loop: system turns, adaptive thinking with display, a deferred tool. */
function toolLoopBase(): ClaudeCodeRequest {
  const all = capturedRequests().filter((r) => r.name.startsWith('tool-loop'));
  return clone(all[all.length - 1]!);
}

/** Bodies with the shapes the captures lack, each named by what it adds. */
export function builtRequests(): ClaudeCodeRequest[] {
  const base = toolLoopBase();
  const withImages = clone(base);
  const msgs = withImages.body.messages as Msg[];
  const toolResultTurn = msgs.find((m) => Array.isArray(m.content) && (m.content as Array<{ type: string }>).some((b) => b.type === 'tool_result'))!;
  const result = (toolResultTurn.content as Array<Record<string, unknown>>).find((b) => b.type === 'tool_result')!;
  result.content = [{ type: 'text', text: 'screenshot.png' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }];
  msgs[0]!.content = [
    ...(msgs[0]!.content as unknown[]),
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF } },
  ];
  const withUrlImage = clone(base);
  const last = (withUrlImage.body.messages as Msg[]).find((m) => m.role === 'user' && typeof m.content === 'string' && m.content === 'after the loop')!;
  last.content = [{ type: 'text', text: 'what is on this picture?' }, { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }];

  const serverTools = clone(base);
  (serverTools.body.tools as unknown[]).push({ type: 'web_search_20250305', name: 'web_search', max_uses: 5 });
  const assistant = (serverTools.body.messages as Msg[]).find((m) => m.role === 'assistant')!;
  assistant.content = [
    { type: 'redacted_thinking', data: 'RWFybGllciByZWFzb25pbmcgb25seSBBbnRocm9waWMgY2FuIHJlYWQ=' },
    { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: { query: 'node 20 release date' } },
    { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [{ type: 'web_search_result', url: 'https://nodejs.org', title: 'Node.js', encrypted_content: 'abc', page_age: null }] },
    ...(assistant.content as unknown[]),
  ];

  const safeguards = clone(base);
  safeguards.body.safeguards = { level: 'default' }; // the field's presence is what matters to a provider

  const sampling = clone(base);
  Object.assign(sampling.body, { temperature: 0, top_p: 1, max_tokens: 200_000 });

  const thinkingOff = clone(base);
  thinkingOff.body.thinking = { type: 'disabled' };

  const counting = clone(base);
  for (const k of ['max_tokens', 'stream', 'metadata', 'context_management']) delete counting.body[k];
  counting.path = '/v1/messages/count_tokens?beta=true';

  return [
    { ...withImages, name: 'built: base64 images (one in a tool result) and a PDF document' },
    { ...withUrlImage, name: 'built: an image from a URL' },
    { ...serverTools, name: 'built: web search server tool, its results and redacted thinking in the history' },
    { ...safeguards, name: 'built: safeguards field' },
    { ...sampling, name: 'built: temperature 0, top_p 1, max_tokens 200000' },
    { ...thinkingOff, name: 'built: thinking disabled with an effort' },
    { ...counting, name: 'built: count_tokens' },
  ];
}
