/**
 * The README's lists of built-in conditions and transforms, rendered from the registries between marker
 * comments, so the README cannot name a condition or transform the gateway lacks (or leave one out).
 */
import { COMBINATORS } from '../conditions/compile-condition.js';
import { CONDITIONS } from '../conditions/registry.js';
import { TRANSFORMS } from '../transforms/registry.js';
import type { SchemaNode } from './schema-node.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A short account of a transform's parameters: `none`, `{model}`, `a string or {expression}`. */
export function paramsHint(schema: SchemaNode | undefined, optional = false): string {
  if (!schema) return 'none';
  let hint: string;
  if (schema.oneOf) hint = schema.oneOf.map((b) => paramsHint(b)).join(' or ');
  else if (schema.properties) {
    const required = new Set(schema.required ?? []);
    hint = `\`{${Object.keys(schema.properties).map((k) => (required.has(k) ? k : `${k}?`)).join(', ')}}\``;
  } else hint = `a ${String(schema.type ?? 'value')}`;
  return optional ? `${hint} (optional)` : hint;
}

function conditionTable(): string[] {
  const rows = ['| Key | Holds when |', '| --- | --- |'];
  for (const c of CONDITIONS.values()) rows.push(`| \`${c.name}\` | ${cell(c.description)} |`);
  for (const c of COMBINATORS) rows.push(`| \`${c.name}\` | ${cell(c.description)} |`);
  return rows;
}

function transformTable(): string[] {
  const rows = ['| Name | Phase | Parameters | What it does |', '| --- | --- | --- | --- |'];
  for (const t of TRANSFORMS.values()) {
    rows.push(`| \`${t.name}\` | ${t.phase} | ${cell(paramsHint(t.paramsSchema as SchemaNode | undefined, t.paramsOptional))} | ${cell(t.description)} |`);
  }
  return rows;
}

const LISTS: Readonly<Record<string, () => string[]>> = { conditions: conditionTable, transforms: transformTable };

/** Replaces each `<!-- begin generated NAME -->` … `<!-- end generated NAME -->` block of `readme`. */
export function withReadmeLists(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(LISTS)) {
    const begin = `<!-- begin generated ${name} (npm run docs) -->`;
    const end = `<!-- end generated ${name} -->`;
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md lacks the ${begin} … ${end} markers`);
    out = `${out.slice(0, from + begin.length)}\n${render().join('\n')}\n${out.slice(to)}`;
  }
  return out;
}
