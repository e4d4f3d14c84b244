/** A tap on answers of non-Anthropic upstreams: records each thinking block's hash in the thinking store. */
import { RequestSlot } from '../pipeline/context.js';
import type { ResponseStage } from '../pipeline/stage.js';

interface BlockStart { index?: number; content_block?: { type?: string; thinking?: string; signature?: string } }
interface BlockDelta { index?: number; delta?: { type?: string; thinking?: string; signature?: string } }

const EVENTS = new Set(['content_block_start', 'content_block_delta', 'content_block_stop']);

/** Thinking blocks still open in this request's stream, by index; kept on the context, so the stage stays shared. */
const OPEN = new RequestSlot('thinking-recorder', () => new Map<number, { text: string; signature?: string }>());

/** The thinking recorder stage (added automatically to every upstream whose provider is not anthropic). */
export const thinkingRecorderStage: ResponseStage = {
  name: 'thinking-recorder',
  events: EVENTS,
  onEvent(ctx, ev) {
    const open = ctx.peekSlot(OPEN);
    if (ev.event === 'content_block_start') {
      const d = ev.json as BlockStart;
      if (d?.content_block?.type !== 'thinking' || typeof d.index !== 'number') return;
      ctx.slot(OPEN).set(d.index, { text: d.content_block.thinking ?? '', signature: d.content_block.signature });
    } else if (ev.event === 'content_block_delta' && open) {
      const d = ev.json as BlockDelta;
      const block = typeof d?.index === 'number' ? open.get(d.index) : undefined;
      if (!block || !d.delta) return;
      if (d.delta.type === 'thinking_delta' && typeof d.delta.thinking === 'string') block.text += d.delta.thinking;
      else if (d.delta.type === 'signature_delta' && typeof d.delta.signature === 'string') block.signature = d.delta.signature;
    } else if (ev.event === 'content_block_stop' && open) {
      const index = (ev.json as { index?: number })?.index;
      const block = typeof index === 'number' ? open.get(index) : undefined;
      if (!block) return;
      open.delete(index!);
      void ctx.services.thinking.record(block.text, block.signature);
    }
  },
  onBody(ctx, body) {
    if (body.status >= 300) return;
    const content = (body.json as { content?: Array<{ type?: string; thinking?: string; signature?: string }> })?.content;
    if (!Array.isArray(content)) return;
    for (const b of content) {
      if (b?.type === 'thinking' && typeof b.thinking === 'string') void ctx.services.thinking.record(b.thinking, b.signature);
    }
  },
};
