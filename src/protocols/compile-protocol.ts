/** Compiles an upstream's `protocol:` setting into the protocol object and its translation settings. */
import type { UpstreamConfig } from '../config/types.js';
import type { CompileContext } from '../plan/compile-context.js';
import { protocolNamed } from './registry.js';
import type { Protocol, TranslateOptions } from './types.js';

/** A compiled protocol setting: no protocol for Anthropic Messages. */
export interface CompiledProtocol {
  protocol: Protocol | undefined;
  settings: Readonly<Omit<TranslateOptions, 'model'>>;
}

const NONE: CompiledProtocol = Object.freeze({ protocol: undefined, settings: Object.freeze({}) });

/** The upstream's protocol; null after recording an error (unavailable protocol, contradicting settings). */
export function compileProtocol(cfg: UpstreamConfig, cc: CompileContext, path: readonly string[]): CompiledProtocol | null {
  const given = cfg.protocol ?? 'anthropic';
  const name = typeof given === 'string' ? given : given.name;
  const protocol = protocolNamed(name);
  if (!protocol) return NONE;
  const where = [...path, 'protocol'];
  if ((protocol as { available?: boolean }).available === false) {
    cc.error(where, `protocol ${name} is not available in this version of mmexec`);
    return null;
  }
  if (cfg.provider === 'anthropic') {
    cc.error([...path, 'provider'], `an upstream speaking ${name} is not Anthropic: its thinking blocks carry no Anthropic signature (remove provider: anthropic)`);
    return null;
  }
  const settings: Omit<TranslateOptions, 'model'> = {};
  if (typeof given === 'object') {
    if (given.reasoning_content !== undefined) settings.reasoningContent = given.reasoning_content;
    if (given.system_role !== undefined) settings.systemRole = given.system_role;
  }
  return { protocol, settings: Object.freeze(settings) };
}
