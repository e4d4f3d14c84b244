/**
 * The file store: sticky state as `<dir>/state/<session>.json` (client and global scopes below
 * `state/client/` and `state/global.json`), thinking hashes as marker files under `<dir>/thinking/`,
 * counters under `<dir>/counters/`. Writes are atomic (temp file + rename); a corrupt file reads as unset.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LruMap, stringBytes } from './lru-map.js';
import type { StateNamespace, StateStore } from './store.js';

interface Record_ {
  value: string;
  expires_at: number | null;
}

/** Keys reaching the file store have been validated (see session-key.ts); this is a second line of defence. */
const SAFE_KEY = /^[A-Za-z0-9_.-]{1,128}$/;

/** One per gateway. */
export class FileStore implements StateStore {
  readonly kind = 'file' as const;
  private readonly made = new Set<string>();
  private counterQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    private readonly warn: (msg: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  private pathOf(ns: StateNamespace, key: string): { dir: string; file: string } {
    if (!SAFE_KEY.test(key) || key.startsWith('.')) throw new Error('unsafe state key');
    switch (ns) {
      case 'sticky:session':
        return { dir: join(this.dir, 'state'), file: `${key}.json` };
      case 'sticky:client':
        return { dir: join(this.dir, 'state', 'client'), file: `${key}.json` };
      case 'sticky:global':
        return { dir: join(this.dir, 'state'), file: 'global.json' };
      case 'thinking':
        return { dir: join(this.dir, 'thinking'), file: key };
      case 'budget':
        return { dir: join(this.dir, 'counters'), file: `${key}.json` };
    }
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    this.made.add(dir);
  }

  /**
   * Sticky records this process has read or written (null = no file). The file store serves one gateway
   * process, so its own writes are the only changes; this saves a file open on every request.
   */
  private readonly cache = new LruMap<string, Record_ | null>(10_000, 4 * 1024 * 1024, (k, r) => 96 + stringBytes(k) + (r ? stringBytes(r.value) : 0));

  private async read(ns: StateNamespace, key: string): Promise<Record_ | undefined> {
    if (!ns.startsWith('sticky:')) return this.readFile(ns, key);
    const k = `${ns}/${key}`;
    let rec = this.cache.get(k);
    if (rec === undefined) {
      rec = (await this.readFile(ns, key)) ?? null;
      this.cache.set(k, rec);
    }
    return rec && (rec.expires_at === null || rec.expires_at > this.now()) ? rec : undefined;
  }

  private async readFile(ns: StateNamespace, key: string): Promise<Record_ | undefined> {
    const p = this.pathOf(ns, key);
    const file = join(p.dir, p.file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const rec = JSON.parse(text) as Record_;
      if (typeof rec?.value !== 'string') throw new Error('no value');
      if (rec.expires_at !== null && rec.expires_at <= this.now()) return undefined;
      return rec;
    } catch {
      this.warn(`state file ${file} is corrupt; treating it as unset`);
      return undefined;
    }
  }

  private async write(ns: StateNamespace, key: string, rec: Record_): Promise<void> {
    const p = this.pathOf(ns, key);
    await this.ensureDir(p.dir);
    const tmp = join(p.dir, `.${p.file}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify(rec), { mode: 0o600 });
    await rename(tmp, join(p.dir, p.file));
    if (ns.startsWith('sticky:')) this.cache.set(`${ns}/${key}`, rec);
  }

  async get(ns: StateNamespace, key: string): Promise<string | undefined> {
    if (ns === 'thinking') return (await this.hasMany(ns, [key]))[0] ? '1' : undefined;
    return (await this.read(ns, key))?.value;
  }

  async set(ns: StateNamespace, key: string, value: string, ttlSeconds = 0): Promise<void> {
    if (ns === 'thinking') return this.mark(key, ttlSeconds);
    await this.write(ns, key, { value, expires_at: ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : null });
  }

  async delete(ns: StateNamespace, key: string): Promise<void> {
    const p = this.pathOf(ns, key);
    await rm(join(p.dir, p.file), { force: true });
    if (ns.startsWith('sticky:')) this.cache.set(`${ns}/${key}`, null);
  }

  /** Thinking markers are empty files whose mtime is set to their expiry time. */
  private async mark(key: string, ttlSeconds: number): Promise<void> {
    const p = this.pathOf('thinking', key);
    await this.ensureDir(p.dir);
    const file = join(p.dir, p.file);
    await writeFile(file, '');
    const expires = new Date(ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : 8.64e15);
    await utimes(file, expires, expires);
  }

  async hasMany(ns: StateNamespace, keys: readonly string[]): Promise<boolean[]> {
    if (ns !== 'thinking') return Promise.all(keys.map(async (k) => (await this.read(ns, k)) !== undefined));
    return Promise.all(
      keys.map(async (k) => {
        const p = this.pathOf(ns, k);
        try {
          return (await stat(join(p.dir, p.file))).mtimeMs > this.now();
        } catch {
          return false;
        }
      }),
    );
  }

  /** Counters are serialised within the process; the file store is for a single gateway process. */
  async incrBy(ns: StateNamespace, key: string, amount: number, ttlSeconds: number): Promise<number> {
    const run = this.counterQueue.then(async () => {
      const rec = await this.read(ns, key);
      const value = (rec ? Number(rec.value) : 0) + amount;
      await this.write(ns, key, { value: String(value), expires_at: rec?.expires_at ?? this.now() + ttlSeconds * 1000 });
      return value;
    });
    this.counterQueue = run.catch(() => undefined);
    return run;
  }

  async countByValue(ns: StateNamespace): Promise<Record<string, number>> {
    if (ns !== 'sticky:session') return {};
    const dir = join(this.dir, 'state');
    const counts: Record<string, number> = {};
    let files: string[] = [];
    try {
      files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'global.json' && !f.startsWith('.'));
    } catch {
      return counts;
    }
    for (const f of files) {
      const v = await this.get(ns, f.slice(0, -5)).catch(() => undefined);
      if (v !== undefined) counts[v] = (counts[v] ?? 0) + 1;
    }
    return counts;
  }

  async close(): Promise<void> {
    await this.counterQueue;
  }
}
