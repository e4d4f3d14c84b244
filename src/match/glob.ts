/**
 * Case-insensitive globs (`*` any run, `?` one character) matched without a regex: the greedy wildcard walk
 * takes at most (text length × glob length) steps, whatever the glob, so a glob of many stars cannot stall.
 */

/** A compiled glob. */
export interface Glob {
  readonly source: string;
  test(text: string): boolean;
}

/** Whether `text` (already lower-cased) matches `glob` (lower-cased) as a whole. */
function matches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === text[t]))) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      resume = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/** Compiles a glob; matching ignores case. */
export function compileGlob(glob: string): Glob {
  const lower = glob.toLowerCase();
  return { source: glob, test: (text) => matches(lower, text.toLowerCase()) };
}
