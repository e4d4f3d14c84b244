/** Filters the anthropic-beta header (a comma-separated list) to the betas a profile keeps. */

/** The header value to send (undefined: no header) and the betas removed. */
export function filterBetas(value: string | string[] | undefined, keep: readonly string[] | 'all'): { value: string | undefined; removed: string[] } {
  if (value === undefined) return { value: undefined, removed: [] };
  const joined = Array.isArray(value) ? value.join(',') : value;
  if (keep === 'all') return { value: joined, removed: [] };
  const all = joined.split(',').map((b) => b.trim()).filter(Boolean);
  const kept = all.filter((b) => keep.includes(b));
  return { value: kept.length > 0 ? kept.join(',') : undefined, removed: all.filter((b) => !keep.includes(b)) };
}
