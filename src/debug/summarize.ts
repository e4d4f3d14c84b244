/** One-line descriptions of a request for DEBUG=1: the routing decision and each message of the body. */
import type { ContentBlock, Message } from '../pipeline/messages.js';
import type { RequestContext } from '../pipeline/context.js';
import { isSelfHashSignature } from '../thinking/convert.js';

const PREVIEW = 60;

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > PREVIEW ? `${flat.slice(0, PREVIEW)}…` : flat);
}

/** Describes one block briefly: its type, and a preview of its text or the kind of its signature. */
export function describeBlock(b: ContentBlock): string {
  if (!b || typeof b !== 'object') return '?';
  switch (b.type) {
    case 'text':
      return `text ${preview(String(b.text ?? ''))}`;
    case 'thinking': {
      const text = String(b.thinking ?? '');
      const sig = typeof b.signature === 'string' ? b.signature : undefined;
      const kind = !sig ? 'unsigned' : isSelfHashSignature(text, sig) ? 'sha256-signed' : 'signed';
      return `thinking(${kind}) ${preview(text)}`;
    }
    case 'tool_use':
      return `tool_use ${String(b.name ?? '?')}`;
    case 'tool_result':
      return `tool_result ${String(b.tool_use_id ?? '?').slice(-8)}`;
    default:
      return b.type;
  }
}

/** One line per message: index, role and its blocks. */
export function summarizeMessages(messages: unknown): string[] {
  if (!Array.isArray(messages)) return [];
  return (messages as Message[]).map((m, i) => {
    const blocks = typeof m?.content === 'string' ? `text ${preview(m.content)}` : Array.isArray(m?.content) ? m.content.map(describeBlock).join(' | ') : '?';
    return `  #${i} ${String(m?.role)}: ${blocks}`;
  });
}

/** The routing decision as one line: route, trigger, sticky state, upstream and models. */
export function describeDecision(ctx: RequestContext): string {
  const route = ctx.route;
  const parts = [`${ctx.method} ${ctx.path}`, `route=${route?.name ?? 'none'}`, `session=${ctx.session ?? 'none'}`, `sticky=${ctx.sticky.session ?? 'none'}`];
  if (route?.sticky) parts.push(`sticky->${route.sticky.op === 'set' ? route.sticky.value : 'none'}`);
  if (ctx.trigger && route?.stripTrigger) parts.push(`trigger=${JSON.stringify(ctx.trigger.at.text.slice(ctx.trigger.start, ctx.trigger.end).trim())}`);
  if (route?.reply) parts.push(`reply=${route.reply.status}`);
  else parts.push(`upstream=${ctx.upstream?.name ?? 'none'}`, `model=${ctx.requestedModel ?? '?'}->${ctx.upstreamModel ?? '?'}`);
  if (ctx.thinkingConverted) parts.push(`thinking_converted=${ctx.thinkingConverted}`);
  return parts.join(' ');
}
