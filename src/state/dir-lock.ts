/**
 * One gateway per file-store directory. The file store caches sticky state in memory and serialises its
 * counters within its process, so a second process on the same directory would route on stale state and
 * lose budget increments. Instead of paying a file check per request, the first gateway holds
 * `<dir>/gateway.lock` (created exclusively, naming its pid and host) and a second one refuses to start.
 * A lock whose process is gone (same host, pid not running, or started before the last boot) is taken over.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';

/** What the lock file holds. */
interface LockOwner {
  pid: number;
  host: string;
  started: string;
  token: string;
}

/** A lock file younger than this that cannot be parsed is being written by a gateway starting right now. */
const FRESH_MS = 5000;
/** Slack for the boot-time check (uptime is in whole seconds, clocks drift). */
const BOOT_SLACK_MS = 60_000;

/** Thrown when another gateway holds the state directory. */
export class StateDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly lockFile: string,
    owner: LockOwner | undefined,
  ) {
    const who = owner ? `pid ${owner.pid} on ${owner.host}, since ${owner.started}` : 'starting now';
    super(
      `state directory ${dir} is in use by another mmexec gateway (${who}). The file store serves one gateway ` +
        'at a time: stop that gateway, give this one its own MMEXEC_HOME (or state.dir), or share state between ' +
        `gateways with state.store: redis. If no gateway is running there, delete ${lockFile}.`,
    );
    this.name = 'StateDirInUseError';
  }
}

/** A held lock; release() removes the file if it is still ours. */
export interface DirLock {
  readonly file: string;
  /** True when a stale lock of a process that is gone was replaced. */
  readonly tookOver: LockOwner | undefined;
  release(): Promise<void>;
}

/** Takes the lock of `dir` (creating the directory), or throws StateDirInUseError. */
export async function lockStateDir(dir: string): Promise<DirLock> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'gateway.lock');
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  let tookOver: LockOwner | undefined;
  for (let attempt = 0; ; attempt++) {
    if (await create(file, owner)) break;
    const held = await readOwner(file);
    if (held === 'gone' && attempt < 3) continue;
    if (held === 'gone' || attempt > 2 || !(await isStale(file, held))) throw new StateDirInUseError(dir, file, held === 'gone' ? undefined : held);
    // Remove the stale lock only if it is still the one judged stale (another starter may have replaced it).
    const again = await readOwner(file);
    if (again !== 'gone' && again?.token === held?.token) await unlink(file).catch(() => undefined);
    tookOver = held;
  }
  return {
    file,
    tookOver,
    async release() {
      const held = await readOwner(file);
      if (held !== 'gone' && held?.token === owner.token) await unlink(file).catch(() => undefined);
    },
  };
}

/** Creates the lock file exclusively; false when it exists. */
async function create(file: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

/** The lock's owner; undefined when unreadable; 'gone' when the file no longer exists. */
async function readOwner(file: string): Promise<LockOwner | undefined | 'gone'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.token === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's process is certainly gone. A lock of another host is never judged stale. */
async function isStale(file: string, owner: LockOwner | undefined): Promise<boolean> {
  if (!owner) return Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? 0) > FRESH_MS;
  if (owner.host !== hostname()) return false;
  if (Date.parse(owner.started) < Date.now() - uptime() * 1000 - BOOT_SLACK_MS) return true;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
