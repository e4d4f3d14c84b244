/** A structural diff of two JSON values: the paths that were added, removed or changed, for readable output. */

/** One difference at a JSON path such as `messages[2].content[0].text`. */
export interface DiffEntry {
  op: 'added' | 'removed' | 'changed';
  path: string;
  before?: unknown;
  after?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** Lists the differences between `a` and `b`, depth first, in key order of `a` then new keys of `b`. */
export function diffJson(a: unknown, b: unknown, path = ''): DiffEntry[] {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: DiffEntry[] = [];
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= b.length) out.push({ op: 'removed', path: join(path, i), before: a[i] });
      else if (i >= a.length) out.push({ op: 'added', path: join(path, i), after: b[i] });
      else out.push(...diffJson(a[i], b[i], join(path, i)));
    }
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const out: DiffEntry[] = [];
    for (const k of Object.keys(a)) {
      if (!(k in b)) out.push({ op: 'removed', path: join(path, k), before: a[k] });
      else out.push(...diffJson(a[k], b[k], join(path, k)));
    }
    for (const k of Object.keys(b)) if (!(k in a)) out.push({ op: 'added', path: join(path, k), after: b[k] });
    return out;
  }
  return [{ op: 'changed', path: path || '(body)', before: a, after: b }];
}

/** A value as short JSON text, cut to `max` characters. */
export function shortJson(v: unknown, max = 120): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Formats differences as `- path: before` / `+ path: after` lines, like a unified diff of fields. */
export function formatDiff(entries: readonly DiffEntry[], max = 120): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.op !== 'added') lines.push(`- ${e.path}: ${shortJson(e.before, max)}`);
    if (e.op !== 'removed') lines.push(`+ ${e.path}: ${shortJson(e.after, max)}`);
  }
  return lines;
}
