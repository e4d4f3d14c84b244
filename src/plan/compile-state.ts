/** Compiles the `state` section: store kind, directory, Redis URL (checked here, with its position), TTLs. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDuration } from '../config/duration.js';
import type { Config } from '../config/types.js';
import type { CompileContext } from './compile-context.js';
import type { Plan } from './types.js';

/** The plan's state settings; a missing or unusable Redis URL is recorded as an error at state.url. */
export function compileState(state: Config['state'] = {}, cc: CompileContext, env: NodeJS.ProcessEnv, baseDir: string): Plan['state'] {
  const store = state.store ?? 'file';
  if (store === 'redis') checkRedisUrl(state.url, cc);
  return {
    store,
    dir: expandHome(state.dir ?? env.MMEXEC_HOME ?? join(homedir(), '.claude', 'mmexec'), baseDir),
    url: state.url,
    keyPrefix: state.key_prefix ?? 'mmexec:',
    onError: state.on_error ?? 'fail_open',
    stickyTtlSeconds: parseDuration(state.sticky_ttl ?? '7d') / 1000,
    thinkingTtlSeconds: parseDuration(state.thinking_ttl ?? '30d') / 1000,
    ledgerTtlSeconds: parseDuration(state.ledger_ttl ?? '7d') / 1000,
  };
}

/**
 * A Redis URL must parse and use the redis: or rediss: scheme. Messages never repeat the URL: it may hold a
 * password.
 */
function checkRedisUrl(url: string | undefined, cc: CompileContext): void {
  if (!url) {
    cc.error(['state', 'url'], 'store: redis needs a url, e.g. redis://127.0.0.1:6379 (REDIS_URL in the example configs)');
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    cc.error(['state', 'url'], 'invalid Redis URL: it does not parse (expected e.g. redis://user:password@host:6379/0)');
    return;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    cc.error(['state', 'url'], `invalid Redis URL: the scheme must be redis:// or rediss://, not ${parsed.protocol}//`);
  }
}

function expandHome(dir: string, base: string): string {
  if (dir === '~' || dir.startsWith('~/')) return join(homedir(), dir.slice(1));
  return resolve(base, dir);
}
