/**
 * A load-time check for regexes that can backtrack catastrophically: a repeated group that holds a quantifier
 * (`(a+)+`, `((ab)*)+`, `(.*a){12}`) or alternatives that can match the same text (`(a|aa)+`, `(a|a)*`).
 * Conservative and syntactic: it may reject a safe pattern, never the shipped triggers.
 */

interface Group {
  /** A quantifier appears somewhere inside (nested groups included). */
  quantified: boolean;
  /** The text of each alternative at this group's own level. */
  alternatives: string[];
}

/** True when the characters at `i` start a quantifier that repeats more than once (`*`, `+`, `{n,}`, `{n,m}` m > 1). */
function repeatsAt(src: string, i: number): boolean {
  const c = src[i];
  if (c === '*' || c === '+') return true;
  if (c !== '{') return false;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
  if (!m) return false;
  if (m[2] === undefined) return Number(m[1]) > 1;
  return m[3] === '' || Number(m[3]) > 1;
}

/** Alternatives that may match the same first character (or nothing), so a repeat can split text many ways. */
function overlapping(alternatives: readonly string[]): boolean {
  if (alternatives.length < 2) return false;
  const heads = new Set<string>();
  for (const a of alternatives) {
    const head = a[0];
    // Empty alternatives, classes, escapes, groups and wildcards could match anything: assume overlap.
    if (head === undefined || '.[\\('.includes(head)) return true;
    if (heads.has(head)) return true;
    heads.add(head);
  }
  return false;
}

/** Returns why `source` could backtrack catastrophically, or undefined when it looks safe. */
export function backtrackRisk(source: string): string | undefined {
  const stack: Group[] = [{ quantified: false, alternatives: [''] }];
  const top = (): Group => stack[stack.length - 1]!;
  const append = (s: string): void => {
    const g = top();
    g.alternatives[g.alternatives.length - 1] += s;
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      append(source.slice(i, i + 2));
      i++;
    } else if (c === '[') {
      let j = i + 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      append(source.slice(i, j + 1));
      i = j;
    } else if (c === '(') {
      const prefix = /^\(\?(?:[:=!]|<[=!]|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(i))?.[0] ?? '(';
      stack.push({ quantified: false, alternatives: [''] });
      i += prefix.length - 1;
    } else if (c === ')' && stack.length > 1) {
      const g = stack.pop()!;
      const repeated = repeatsAt(source, i + 1);
      if (repeated && g.quantified) return 'a repeated group holds a quantifier';
      if (repeated && overlapping(g.alternatives)) return 'a repeated group has alternatives that can match the same text';
      if (g.quantified || repeated) top().quantified = true;
      append('(g)');
    } else if (c === '|') {
      top().alternatives.push('');
    } else {
      if (repeatsAt(source, i) || c === '?') top().quantified ||= c !== '?';
      append(c);
    }
  }
  return undefined;
}
