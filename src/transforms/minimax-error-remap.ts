/**
 * The `minimax-error-remap` response transform: MiniMax's error mapping from the minimax profiles, for
 * upstreams that do not name a profile. MiniMax reports permanent failures as HTTP 500 and a rejected key as
 * 401, which Claude Code retries for minutes; they become answers it shows at once (see
 * src/profiles/error-map.ts for what Claude Code does with each status).
 */
import type { UpstreamConfig } from '../config/types.js';
import { errorMapStage } from '../profiles/error-map.js';
import { MINIMAX_ERRORS } from '../profiles/minimax-m2.js';
import type { TransformDefinition } from './transform.js';

/** Remaps MiniMax's permanent 5xx errors, keeping the original message and naming the setting to fix. */
export const minimaxErrorRemap: TransformDefinition = {
  name: 'minimax-error-remap',
  phase: 'response',
  description:
    'Maps a rejected MiniMax key (HTTP 401, codes 1004, 2049) to 402 authentication_error naming the key variable, permanent failures sent as HTTP 500 (1008, 2061 to 402; 2013, 1026, 1027 to 400) with x-should-retry: false and the setting to fix, and the rate limit 1002 to 429 with retry-after. Upstreams with a minimax profile do this already.',
  compile: (_params, cc, path) => {
    const name = path[0] === 'upstreams' ? String(path[1]) : undefined;
    const cfg: UpstreamConfig | undefined = name ? cc.loaded.config.upstreams[name] : undefined;
    const keyEnv = cfg?.auth && cfg.auth !== 'passthrough' ? cfg.auth.key_env : undefined;
    return errorMapStage(MINIMAX_ERRORS, { upstream: name ?? 'minimax', provider: 'MiniMax', keyEnv, model: cfg?.model, profile: 'minimax-m2' });
  },
};
