/** Checks the listening address values of the rule file and the command line. */

/** The port in `value` (an integer 0–65535, or a string of digits; 0 picks a free port), or undefined. */
export function parsePort(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}
