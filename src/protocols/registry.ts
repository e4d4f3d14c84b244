/** The protocols upstreams may speak besides Anthropic Messages, by the name the rule file uses. */
import type { Protocol, ProtocolName } from './types.js';
import { openaiChat } from './openai-chat/index.js';
import { openaiResponses } from './openai-responses/index.js';

/** Every non-Anthropic protocol, by name. */
export const PROTOCOLS: ReadonlyMap<Exclude<ProtocolName, 'anthropic'>, Protocol> = new Map<Exclude<ProtocolName, 'anthropic'>, Protocol>([
  ['openai-chat', openaiChat],
  ['openai-responses', openaiResponses],
]);

/** The protocol of a name; undefined for `anthropic` (requests pass as they are). */
export function protocolNamed(name: ProtocolName): Protocol | undefined {
  return name === 'anthropic' ? undefined : PROTOCOLS.get(name);
}
