/**
 * The file store: sticky state as `<dir>/state/<session>.json` (client and global scopes below
 * `state/client/` and `state/global.json`), thinking hashes as marker files under `<dir>/thinking/`,
 * counters under `<dir>/counters/`, records under `<dir>/ledger/` (file-records.ts). Writes are atomic (temp file + rename); a corrupt file reads as unset.
 * One gateway process per directory (see dir-lock.ts); expired files are removed by a bounded sweep.
 */
import { readTextIfPresent } from './read-text.js';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lockStateDir, type DirLock } from './dir-lock.js';
import { FileRecords, recordDirs } from './file-records.js';
import { DirSweep, type SweepOptions } from './file-sweep.js';
import { LruMap, stringBytes } from './lru-map.js';
import type { RecordChange, RecordNamespace, StateNamespace, StateStore, StoredRecord } from './store.js';

interface Record_ {
  value: string;
  expires_at: number | null;
}

/** Keys reaching the file store have been validated (see session-key.ts); this is a second line of defence. */
const SAFE_KEY = /^[A-Za-z0-9_.-]{1,128}$/;

/** The sweep's default pace: 1,000 entries a minute (1.4 million a day), each one stat or one small read. */
export const SWEEP_DEFAULTS: SweepOptions = { intervalMs: 60_000, batch: 1000 };
/** A sticky value rewritten unchanged is written again only when that moves its expiry by more than this (or 1% of the TTL). */
const REFRESH_SLACK_MS = 60_000;
/** Temp files older than this are left over from a crash and removed by the sweep. */
const STALE_TEMP_MS = 3_600_000;

/** One per gateway. */
export class FileStore implements StateStore {
  readonly kind = 'file' as const;
  private readonly made = new Set<string>();
  private counterQueue: Promise<unknown> = Promise.resolve();
  /** Per file, the tail of the writes and sweep removals running on it (so a removal never hits a new write). */
  private readonly busy = new Map<string, Promise<unknown>>();
  private readonly sweeper: DirSweep;
  private lock: DirLock | undefined;
  private readonly records: FileRecords;

  constructor(
    readonly dir: string,
    private readonly warn: (msg: string) => void,
    private readonly now: () => number = Date.now,
    sweep: SweepOptions = SWEEP_DEFAULTS,
  ) {
    const dirs = [...['state', join('state', 'client'), 'thinking', 'counters'].map((d) => join(dir, d)), ...recordDirs(dir)];
    this.records = new FileRecords(dir, (file, fn) => this.exclusive(file, fn), warn, now);
    this.sweeper = new DirSweep(dirs, (d, name) => this.expire(d, name), sweep, (err) =>
      this.warn(`state sweep failed: ${(err as Error).message}`),
    );
  }

  /**
   * Takes the directory's gateway lock: throws StateDirInUseError when another gateway holds it. Returns the
   * owner of a stale lock that was replaced, if any.
   */
  async open(): Promise<{ pid: number; host: string } | undefined> {
    this.lock = await lockStateDir(this.dir);
    return this.lock.tookOver;
  }

  /** Runs one sweep tick now (the timer runs them every SweepOptions.intervalMs); resolves with entries examined. */
  sweep(): Promise<number> {
    return this.sweeper.tick();
  }

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
   * Sticky records this process has read or written (null = no file). The directory lock keeps other
   * gateways out, so this process's own writes are the only changes; this saves a file open per request.
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
    const text = await readTextIfPresent(file);
    if (text === undefined) return undefined;
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

  /** Runs `fn` after the operations already running on `file`. */
  private exclusive<T>(file: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.busy.get(file) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.busy.set(file, tail);
    void tail.then(() => {
      if (this.busy.get(file) === tail) this.busy.delete(file);
    });
    return run;
  }

  /** Sticky records being written, by cache key, with the write (the latest one queued per file). */
  private readonly pending = new Map<string, { rec: Record_ | null; done: Promise<void>; settled: Promise<void> }>();

  /**
   * Whether writing `next` can be skipped: the record on disk (or queued) has the same value and an expiry
   * within REFRESH_SLACK of the new one. A trigger repeated on every request of a session then costs no file
   * write, at the price of an expiry up to a minute earlier than a write would have given.
   */
  private unchanged(k: string, next: Record_ | null): Promise<void> | undefined {
    const queued = this.pending.get(k);
    const current = queued ? queued.rec : this.cache.get(k);
    if (current === undefined) return undefined;
    const done = queued?.done ?? Promise.resolve();
    if (current === null || next === null) return current === next ? done : undefined;
    if (current.value !== next.value) return undefined;
    if (current.expires_at === null || next.expires_at === null) return current.expires_at === next.expires_at ? done : undefined;
    const ttl = next.expires_at - this.now();
    const gained = next.expires_at - current.expires_at;
    return gained >= 0 && gained < Math.min(REFRESH_SLACK_MS, ttl / 100) ? done : undefined;
  }

  /** Runs a sticky record's write or removal, unless unchanged; later calls see it as queued until it ends. */
  private stickyChange(ns: StateNamespace, key: string, rec: Record_ | null, run: () => Promise<void>): Promise<void> {
    const k = `${ns}/${key}`;
    const skip = this.unchanged(k, rec);
    if (skip) return skip;
    const done = run();
    const entry = { rec, done, settled: done.catch(() => undefined) };
    this.pending.set(k, entry);
    void entry.settled.then(() => {
      if (this.pending.get(k) === entry) this.pending.delete(k);
    });
    return done;
  }

  private async write(ns: StateNamespace, key: string, rec: Record_): Promise<void> {
    if (ns.startsWith('sticky:')) return this.stickyChange(ns, key, rec, () => this.writeFile(ns, key, rec));
    return this.writeFile(ns, key, rec);
  }

  private async writeFile(ns: StateNamespace, key: string, rec: Record_): Promise<void> {
    const p = this.pathOf(ns, key);
    await this.ensureDir(p.dir);
    const file = join(p.dir, p.file);
    await this.exclusive(file, async () => {
      const tmp = join(p.dir, `.${p.file}.${randomBytes(6).toString('hex')}.tmp`);
      await writeFile(tmp, JSON.stringify(rec), { mode: 0o600 });
      await rename(tmp, file);
      if (ns.startsWith('sticky:')) this.cache.set(`${ns}/${key}`, rec);
    });
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
    const file = join(p.dir, p.file);
    const remove = (): Promise<void> =>
      this.exclusive(file, async () => {
        await rm(file, { force: true });
        if (ns.startsWith('sticky:')) this.cache.set(`${ns}/${key}`, null);
      });
    if (ns.startsWith('sticky:')) return this.stickyChange(ns, key, null, remove);
    await remove();
  }

  /** Thinking markers are empty files whose mtime is set to their expiry time. */
  private async mark(key: string, ttlSeconds: number): Promise<void> {
    const p = this.pathOf('thinking', key);
    await this.ensureDir(p.dir);
    const file = join(p.dir, p.file);
    const expires = new Date(ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : 8.64e15);
    await this.exclusive(file, async () => {
      await writeFile(file, '');
      await utimes(file, expires, expires);
    });
  }

  /**
   * The sweep's visitor: removes an expired record or marker, or a temp file left by a crash. The check and
   * the removal run exclusively with writes to the same file, so a value written meanwhile is never lost.
   */
  private async expire(dir: string, name: string): Promise<void> {
    const file = join(dir, name);
    const thinking = dir === join(this.dir, 'thinking');
    const removeIf = async (expired: () => Promise<boolean>): Promise<void> => {
      if (await expired()) await unlink(file);
    };
    try {
      if (name.startsWith('.')) {
        if (name.endsWith('.tmp')) await removeIf(async () => (await stat(file)).mtimeMs < this.now() - STALE_TEMP_MS);
      } else if (thinking) {
        await this.exclusive(file, () => removeIf(async () => (await stat(file)).mtimeMs <= this.now()));
      } else if (name.endsWith('.json')) {
        await this.exclusive(file, () => removeIf(() => this.recordExpired(file)));
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Whether a JSON record file holds an expired record (a corrupt one is left for its reader to report). */
  private async recordExpired(file: string): Promise<boolean> {
    try {
      const rec = JSON.parse(await readFile(file, 'utf8')) as Partial<Record_>;
      return typeof rec.expires_at === 'number' && rec.expires_at <= this.now();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
      return false;
    }
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

  /** Counters are serialised within the process; the directory lock keeps other gateway processes out. */
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

  async updateRecord(ns: RecordNamespace, key: string, change: RecordChange, ttlSeconds: number): Promise<void> {
    return this.records.update(ns, key, change, ttlSeconds);
  }

  async getRecord(ns: RecordNamespace, key: string): Promise<Record<string, string> | undefined> {
    return this.records.get(ns, key);
  }

  async recentRecords(ns: RecordNamespace, limit: number): Promise<StoredRecord[]> {
    return this.records.recent(ns, limit);
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

  /** Stops the sweep, waits for pending counter writes and releases the directory lock. */
  async close(): Promise<void> {
    await this.sweeper.stop();
    await this.counterQueue;
    await Promise.all(this.busy.values());
    await this.lock?.release();
    this.lock = undefined;
  }
}
