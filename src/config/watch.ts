/**
 * Watches the rule file and its includes and reloads (debounced) when any of them changes. Directories are
 * watched rather than files, because editors save by writing a new file and renaming it over the old one.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A running watcher. */
export interface ConfigWatcher {
  /** Replaces the watched files (after a reload changed the includes). */
  update(files: readonly string[]): void;
  close(): void;
}

/** Options of watchConfig. */
export interface WatchOptions {
  /** Quiet time after the last change before reloading; default 300 ms. */
  debounceMs?: number;
  /** Called when watching a directory fails. */
  onError?(err: Error): void;
}

/**
 * Calls `reload` once per burst of changes to `files`. `reload` returns the files of the plan now serving,
 * so includes added or removed by the new config are watched from then on.
 */
export function watchConfig(files: readonly string[], reload: () => readonly string[], opts: WatchOptions = {}): ConfigWatcher {
  const debounceMs = opts.debounceMs ?? 300;
  const watchers = new Map<string, FSWatcher>();
  let names = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const fire = (): void => {
    timer = undefined;
    if (!closed) update(reload());
  };
  const onChange = (dir: string, file: string | Buffer | null): void => {
    // Some platforms omit the name; then any change in the directory counts.
    if (file !== null && !names.has(`${dir}\0${file.toString()}`)) return;
    clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };
  const update = (next: readonly string[]): void => {
    if (closed) return;
    names = new Set(next.map((f) => `${dirname(f)}\0${basename(f)}`));
    const dirs = new Set(next.map((f) => dirname(f)));
    for (const [dir, w] of watchers) {
      if (dirs.has(dir)) continue;
      w.close();
      watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, file) => onChange(dir, file));
        w.on('error', (err) => opts.onError?.(err));
        watchers.set(dir, w);
      } catch (err) {
        opts.onError?.(err as Error);
      }
    }
  };
  update(files);
  return {
    update,
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
