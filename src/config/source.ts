/** A parsed YAML file that remembers where each value came from. */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { fsErrorText, type ConfigIssue } from '../errors.js';
import { expandEnv } from './env.js';

/** A path in a document, e.g. ['routes', 2, 'upstream']. */
export type DocPath = ReadonlyArray<string | number>;

/** One parsed YAML file with environment references expanded; positions are kept. */
export interface YamlSource {
  file: string;
  value: unknown;
  /**
   * Line and column (1-based) of the value at `path` (of its key, with `key`), or of its closest existing
   * parent.
   */
  locate(path: DocPath, opts?: { key?: boolean }): { line: number; column: number };
  issues: ConfigIssue[];
  /** The file's text as read. */
  text: string;
}

/** Formats a path as `routes[2].upstream`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/**
 * Reads and parses a YAML file, expanding `${VAR}` in strings from `env`. A file that cannot be read and
 * syntax errors become issues.
 */
export function readYamlSource(file: string, displayName: string, env: NodeJS.ProcessEnv, text?: string): YamlSource {
  const lines = new LineCounter();
  let source: string;
  try {
    source = text ?? readFileSync(file, 'utf8');
  } catch (err) {
    const issue = { file: displayName, line: 0, column: 0, path: '', message: `cannot read the file: ${fsErrorText(err)}` };
    return { file: displayName, value: undefined, locate: () => ({ line: 0, column: 0 }), issues: [issue], text: '' };
  }
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues: ConfigIssue[] = [];
  const at = (offset: number): { line: number; column: number } => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const e of doc.errors) {
    issues.push({ file: displayName, ...at(e.pos[0]), path: '', message: e.message.split('\n')[0] ?? 'YAML syntax error' });
  }
  expandScalars(doc, env, (node, missing) => {
    const pos = at(node.range?.[0] ?? 0);
    for (const name of missing) {
      issues.push({ file: displayName, ...pos, path: '', message: `environment variable ${name} is not set (use \${${name}:-default} for a default)` });
    }
  });
  const locate = (path: DocPath, opts?: { key?: boolean }): { line: number; column: number } => {
    if (opts?.key && path.length > 0) {
      const parent = doc.getIn(path.slice(0, -1), true);
      const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]) : undefined;
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return at(range[0]);
    }
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return at(node.range[0]);
    }
    return { line: 1, column: 1 };
  };
  let value: unknown;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // e.g. too many aliases: the document parses but cannot be turned into values.
      issues.push({ file: displayName, line: 1, column: 1, path: '', message: (err as Error).message });
    }
  }
  return { file: displayName, value, locate, issues, text: source };
}

function expandScalars(doc: Document, env: NodeJS.ProcessEnv, onMissing: (node: Node, names: string[]) => void): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const { value, missing } = expandEnv(node.value, env);
      if (missing.length > 0) onMissing(node, missing);
      node.value = value;
    },
  });
}
