/**
 * Records of the file store: `<dir>/ledger/<session|day>/<key>.json`, each `{fields, updated_at, expires_at}`.
 * A change is a read-modify-write run exclusively with every other write to that file (this process owns
 * the directory), so concurrent changes never lose one another. Changes to one file that arrive while its
 * previous write runs wait together and are applied, in order, by one read and one write (a busy session
 * and the day's totals are written once per round, not once per request). Which records changed last is
 * kept in memory, read from the files once on first use.
 */
import { readTextIfPresent } from './read-text.js';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyChange } from './record-change.js';
import type { RecordChange, RecordNamespace, StoredRecord } from './store.js';

interface RecordFile {
  fields: Record<string, string>;
  updated_at: number;
  expires_at: number;
}

/** Runs `fn` after the other operations on `file` (the file store's per-file queue, shared with its sweep). */
export type Exclusive = <T>(file: string, fn: () => Promise<T>) => Promise<T>;

const SAFE_KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
/** Keys remembered per namespace for `recent` (older ones are still readable by key). */
const MAX_INDEXED = 100_000;

/** The record directories of a file store rooted at `dir`, for its sweep. */
export function recordDirs(dir: string): string[] {
  return [join(dir, 'ledger', 'session'), join(dir, 'ledger', 'day')];
}

/** Changes to one file waiting for their turn, applied together. */
interface PendingWrite {
  readonly changes: RecordChange[];
  ttlSeconds: number;
  done?: Promise<void>;
}

/** One per file store. */
export class FileRecords {
  /** Per namespace: key → time of its last change, oldest first. */
  private readonly index = new Map<RecordNamespace, Promise<Map<string, number>>>();
  private readonly made = new Set<string>();
  /** Per file: the changes not yet picked up by a write. */
  private readonly pending = new Map<string, PendingWrite>();

  constructor(
    private readonly dir: string,
    private readonly exclusive: Exclusive,
    private readonly warn: (msg: string) => void,
    private readonly now: () => number,
  ) {}

  private dirOf(ns: RecordNamespace): string {
    return join(this.dir, 'ledger', ns === 'ledger:session' ? 'session' : 'day');
  }

  private fileOf(ns: RecordNamespace, key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error('unsafe state key');
    return join(this.dirOf(ns), `${key}.json`);
  }

  private async read(file: string): Promise<RecordFile | undefined> {
    const text = await readTextIfPresent(file);
    if (text === undefined) return undefined;
    try {
      const rec = JSON.parse(text) as RecordFile;
      if (!rec || typeof rec.fields !== 'object' || typeof rec.expires_at !== 'number') throw new Error('bad record');
      return rec.expires_at > this.now() ? rec : undefined;
    } catch {
      this.warn(`state file ${file} is corrupt; treating it as unset`);
      return undefined;
    }
  }

  /** Applies a change (see StateStore.updateRecord); joins the file's waiting changes when there are any. */
  async update(ns: RecordNamespace, key: string, change: RecordChange, ttlSeconds: number): Promise<void> {
    const file = this.fileOf(ns, key);
    const dir = this.dirOf(ns);
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      this.made.add(dir);
    }
    const index = await this.indexOf(ns);
    const waiting = this.pending.get(file);
    if (waiting) {
      waiting.changes.push(change);
      waiting.ttlSeconds = ttlSeconds;
      return waiting.done;
    }
    const batch: PendingWrite = { changes: [change], ttlSeconds };
    this.pending.set(file, batch);
    batch.done = this.exclusive(file, () => {
      this.pending.delete(file);
      return this.write(file, dir, key, batch, index);
    });
    return batch.done;
  }

  /** One read-modify-write of `file` applying every change of `batch`. */
  private async write(file: string, dir: string, key: string, batch: PendingWrite, index: Map<string, number>): Promise<void> {
    let fields = (await this.read(file))?.fields ?? {};
    for (const change of batch.changes) fields = applyChange(fields, change);
    const now = this.now();
    const rec: RecordFile = { fields, updated_at: now, expires_at: now + batch.ttlSeconds * 1000 };
    const tmp = join(dir, `.${key}.json.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify(rec), { mode: 0o600 });
    await rename(tmp, file);
    index.delete(key);
    index.set(key, now);
    if (index.size > MAX_INDEXED) index.delete(index.keys().next().value!);
  }

  /** A record's fields (see StateStore.getRecord). */
  async get(ns: RecordNamespace, key: string): Promise<Record<string, string> | undefined> {
    return (await this.read(this.fileOf(ns, key)))?.fields;
  }

  /** The most recently changed records (see StateStore.recentRecords). */
  async recent(ns: RecordNamespace, limit: number): Promise<StoredRecord[]> {
    const index = await this.indexOf(ns);
    const keys = [...index.keys()];
    const out: StoredRecord[] = [];
    for (let i = keys.length - 1; i >= 0 && out.length < limit; i--) {
      const rec = await this.read(this.fileOf(ns, keys[i]!));
      if (rec) out.push({ key: keys[i]!, fields: rec.fields });
      else index.delete(keys[i]!);
    }
    return out;
  }

  /** The index of a namespace, built once from the files already there. */
  private indexOf(ns: RecordNamespace): Promise<Map<string, number>> {
    let index = this.index.get(ns);
    if (!index) {
      index = this.scan(ns).catch((err: unknown) => {
        this.index.delete(ns);
        throw err;
      });
      this.index.set(ns, index);
    }
    return index;
  }

  private async scan(ns: RecordNamespace): Promise<Map<string, number>> {
    let names: string[] = [];
    try {
      names = (await readdir(this.dirOf(ns))).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const found: Array<[string, number]> = [];
    for (const name of names) {
      const key = name.slice(0, -5);
      const rec = SAFE_KEY.test(key) ? await this.read(join(this.dirOf(ns), name)).catch(() => undefined) : undefined;
      if (rec) found.push([key, rec.updated_at]);
    }
    found.sort((a, b) => a[1] - b[1]);
    return new Map(found.slice(-MAX_INDEXED));
  }
}
