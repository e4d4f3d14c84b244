/**
 * A small scanner for the module specifiers a TypeScript file imports (`import`, `import type`, `export ... from`,
 * `import('...')`, `declare module '...'`), and the import graph of a folder built from it, with its cycles.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The code of a file as the import patterns read it: comments and regular expression literals blanked, and
 * each string literal replaced by `'<n>'`, its index in `strings` (so text inside strings is never code).
 */
export function codeAndStrings(text: string): { code: string; strings: string[] } {
  const strings: string[] = [];
  let out = '';
  let i = 0;
  let prev = ''; // last significant code character, to tell a regex literal from a division
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(text, i);
      out += `'${strings.push(text.slice(i + 1, end - 1)) - 1}'`;
      i = end;
      prev = c;
    } else if (c === '/' && (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev) || /\b(return|typeof|case|in|of)\s*$/.test(out))) {
      i = regexEnd(text, i);
      out += '/0/';
      prev = '/';
    } else {
      out += c;
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return { code: out, strings };
}

/** The index just past the string or template literal opening at `start` (template substitutions skipped whole). */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  let depth = 0;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (quote === '`' && c === '$' && text[i + 1] === '{') { depth++; i++; }
    else if (quote === '`' && depth > 0 && c === '}') depth--;
    else if (quote === '`' && depth > 0 && (c === '"' || c === "'" || c === '`')) i = stringEnd(text, i) - 1;
    else if (c === quote && depth === 0) return i + 1;
    else if (c === '\n' && quote !== '`') return i;
  }
  return text.length;
}

/** The index just past the regular expression literal opening at `start`, its flags included. */
function regexEnd(text: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      let j = i + 1;
      while (j < text.length && /[a-z]/i.test(text[j]!)) j++;
      return j;
    } else if (c === '\n') return i;
  }
  return text.length;
}

const STATIC_IMPORT = /(?:^|[^\w$.])import\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s*)?'(\d+)'/g;
const EXPORT_FROM = /(?:^|[^\w$.])export\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*'(\d+)'/g;
const DYNAMIC_IMPORT = /(?:^|[^\w$.])import\s*\(\s*'(\d+)'\s*\)/g;
/** A module augmentation (`declare module './x.js' { ... }`) depends on the module it adds to. */
const AUGMENTATION = /(?:^|[^\w$.])declare\s+module\s*'(\d+)'/g;

/** Every module specifier the file imports or re-exports from, in order of appearance, type-only ones included. */
export function importSpecifiers(text: string): string[] {
  const { code, strings } = codeAndStrings(text);
  const found: Array<[number, string]> = [];
  for (const re of [STATIC_IMPORT, EXPORT_FROM, DYNAMIC_IMPORT, AUGMENTATION]) {
    for (const m of code.matchAll(re)) found.push([m.index, strings[Number(m[1])]!]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, spec]) => spec);
}

/** Every `.ts` file under `dir`, relative to `root`, sorted. */
export function tsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(relative(root, p));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** The repository file a relative specifier of `from` names (`./x.js` is `x.ts`), or undefined for a package. */
export function resolveSpecifier(root: string, from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(root, dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => existsSync(c) && c.endsWith('.ts'));
  return hit === undefined ? undefined : relative(root, hit);
}

/** Edges from each file under `dir` to the files of the repository it imports. */
export function importGraph(root: string, dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root, dir)) {
    const specs = importSpecifiers(readFileSync(join(root, file), 'utf8'));
    const targets = specs.map((s) => resolveSpecifier(root, file, s)).filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** A group of files that import each other, directly or not: one cycle through it, and all its members. */
export interface ImportCycle {
  cycle: string[];
  members: string[];
}

/** Each strongly connected group of two or more files (or a file importing itself), sorted by first member. */
export function importCycles(graph: Map<string, string[]>): ImportCycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); group.push(w); } while (w !== v);
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return groups.map((g) => ({ cycle: cycleWithin(graph, new Set(g)), members: g.sort() })).sort((a, b) => a.members[0]!.localeCompare(b.members[0]!));
}

/** One closed path through the members of a strongly connected group, starting at its first file by name. */
function cycleWithin(graph: Map<string, string[]>, members: Set<string>): string[] {
  const start = [...members].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) { previous.set(w, v); queue.push(w); }
    }
  }
  return [start, start];
}
