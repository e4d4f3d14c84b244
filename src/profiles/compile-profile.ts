/** Compiles an upstream's `profile:` setting: the bundled profile, the operator's overrides, rules per model. */
import type { ProfileConfig } from '../config/types.js';
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import { PROFILES } from './registry.js';
import type { ProfileRules, ProviderProfile } from './types.js';

/** What of metadata.user_id a third-party upstream receives: nothing, only the session id, or all of it. */
export type UserIdPolicy = 'drop' | 'session' | 'keep';

/** Operator settings of a profile. */
export interface ProfileOptions {
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
  /** Upstream that receives requests holding images or documents this provider cannot read. */
  readonly onImage: string | undefined;
  readonly userId: UserIdPolicy;
}

/** A compiled profile; shared by every request of the plan. */
export interface CompiledProfile {
  readonly profile: ProviderProfile;
  readonly options: ProfileOptions;
  /** The rules for a model: the first matching variant over the defaults, then the operator's overrides. */
  rulesFor(model: string | undefined): ProfileRules;
}

/** Compiles a profile setting; returns undefined (after recording an error) for an unknown name. */
export function compileProfile(cfg: ProfileConfig, cc: CompileContext, path: DocPath): CompiledProfile | undefined {
  const settings = typeof cfg === 'string' ? { name: cfg } : cfg;
  const profile = PROFILES.get(settings.name);
  if (!profile) {
    cc.error(typeof cfg === 'string' ? path : [...path, 'name'], `unknown profile "${settings.name}" (known: ${[...PROFILES.keys()].join(', ')})`);
    return undefined;
  }
  const options: ProfileOptions = {
    contextWindow: settings.context_window,
    maxOutputTokens: settings.max_output_tokens,
    onImage: settings.on_image,
    userId: settings.user_id ?? (profile.firstParty ? 'keep' : 'drop'),
  };
  const cache = new Map<string, ProfileRules>();
  const rulesFor = (model: string | undefined): ProfileRules => {
    const key = model ?? '';
    let rules = cache.get(key);
    if (!rules) {
      const variant = profile.variants?.find((v) => v.models.test(key));
      const { models: _models, ...own } = variant ?? { models: undefined };
      rules = { ...profile, ...own };
      if (options.contextWindow !== undefined) rules = { ...rules, contextWindow: options.contextWindow };
      if (options.maxOutputTokens !== undefined) rules = { ...rules, maxOutputTokens: options.maxOutputTokens };
      if (cache.size < 64) cache.set(key, rules); // model names come from requests: keep the cache bounded
    }
    return rules;
  };
  return { profile, options, rulesFor };
}
