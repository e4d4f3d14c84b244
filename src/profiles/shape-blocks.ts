/**
 * Replaces the content blocks a provider cannot take (images or documents for a text-only model, server tool
 * results, redacted thinking, images from a source it does not read) with a short text note, in messages and
 * inside tool results, so no message is left empty.
 */
import type { ContentBlock, Message } from '../pipeline/messages.js';
import { KNOWN_BLOCKS } from './common.js';
import type { ProfileRules } from './types.js';

const IMAGE_SOURCES = ['base64', 'url', 'file'];

const deniedCache = new WeakMap<ProfileRules, ReadonlySet<string>>();

/**
 * The `type` values that mark a block the rules do not accept: the block types Anthropic defines that the
 * profile lacks, and the image sources it does not read. Cached per rules object.
 */
export function deniedTypes(rules: ProfileRules): ReadonlySet<string> {
  let denied = deniedCache.get(rules);
  if (!denied) {
    const types: string[] = KNOWN_BLOCKS.filter((t) => !rules.blocks.includes(t));
    if (rules.blocks.includes('image')) types.push(...IMAGE_SOURCES.filter((s) => !rules.imageSources.includes(s)));
    denied = new Set(types);
    deniedCache.set(rules, denied);
  }
  return denied;
}

/** A short note standing for a block that cannot be sent. */
function noteFor(block: ContentBlock, model: string): ContentBlock | undefined {
  switch (block.type) {
    case 'redacted_thinking':
      return undefined; // encrypted reasoning only its author can read: dropping it loses nothing readable
    case 'image':
      return { type: 'text', text: `[an image was omitted here: ${model} cannot read images]` };
    case 'document':
      return { type: 'text', text: `[a document was omitted here: ${model} cannot read documents]` };
    default:
      return { type: 'text', text: `[a ${block.type} block was omitted here: ${model} does not accept it]` };
  }
}

function accepted(block: ContentBlock, rules: ProfileRules): boolean {
  if (!rules.blocks.includes(block.type)) return false;
  if (block.type !== 'image') return true;
  const source = (block.source as { type?: unknown } | undefined)?.type;
  return typeof source === 'string' && rules.imageSources.includes(source);
}

/** Counts of what was replaced, by block type. */
export type Replaced = Map<string, number>;

function shapeList(blocks: ContentBlock[], rules: ProfileRules, model: string, replaced: Replaced): ContentBlock[] | undefined {
  let out: ContentBlock[] | undefined;
  blocks.forEach((b, i) => {
    let next: ContentBlock | undefined = b;
    if (b && typeof b === 'object' && typeof b.type === 'string') {
      if (!accepted(b, rules)) {
        next = noteFor(b, model);
        replaced.set(b.type, (replaced.get(b.type) ?? 0) + 1);
      } else if (b.type === 'tool_result' && Array.isArray(b.content)) {
        const inner = shapeList(b.content as ContentBlock[], rules, model, replaced);
        if (inner) next = { ...b, content: inner.length > 0 ? inner : [{ type: 'text', text: '[tool result content omitted]' }] };
      }
    }
    if (next !== b && !out) out = blocks.slice(0, i);
    if (out && next) out.push(next);
  });
  return out;
}

/**
 * The message with unaccepted blocks replaced, or undefined when it has none. `replaced` counts them. An
 * emptied message keeps one note, since providers refuse empty content.
 */
export function replaceUnsupportedBlocks(message: Message, rules: ProfileRules, model: string, replaced: Replaced): Message | undefined {
  if (!Array.isArray(message.content)) return undefined;
  const content = shapeList(message.content, rules, model, replaced);
  if (!content) return undefined;
  return { ...message, content: content.length > 0 ? content : [{ type: 'text', text: '[content omitted]' }] };
}
