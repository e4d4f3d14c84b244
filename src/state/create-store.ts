/** Creates the state store the plan asks for. */
import type { Logger } from '../log.js';
import type { Plan } from '../plan/types.js';
import { FileStore } from './file-store.js';
import { MemoryStore } from './memory-store.js';
import type { StoreHealthSink } from './state-errors.js';
import type { StateStore } from './store.js';

/**
 * Opens the configured store. The Redis store is loaded only when configured; it reports its connection
 * to `health` (default: its own log lines).
 */
export async function createStore(state: Plan['state'], log: Logger, health?: StoreHealthSink): Promise<StateStore> {
  switch (state.store) {
    case 'memory':
      return new MemoryStore();
    case 'file': {
      const store = new FileStore(state.dir, (msg) => log.warn(msg));
      const stale = await store.open().catch(async (err: unknown) => {
        await store.close();
        throw err;
      });
      if (stale) log.warn('took over the state directory lock of a gateway that is no longer running', { dir: state.dir, pid: stale.pid, host: stale.host });
      return store;
    }
    case 'redis': {
      const modulePath = './redis-store.js';
      const mod = (await import(modulePath).catch(() => undefined)) as
        | { RedisStore: new (url: string, prefix: string, log: Logger, health?: StoreHealthSink) => StateStore }
        | undefined;
      if (!mod) throw new Error('the redis state store is not available in this build');
      if (!state.url) throw new Error('state.url is required for store: redis');
      return new mod.RedisStore(state.url, state.keyPrefix, log, health);
    }
  }
}
