/** Parses the duration and size strings of the rule file. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** Milliseconds of a duration such as `30s`, `5m`, `7d` (format checked by the schema). */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** Bytes of a size such as `32mb` (format checked by the schema). */
export function parseSize(text: string): number {
  const m = /^(\d+)(b|kb|mb)$/.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * SIZES[m[2]!]!;
}
