/**
 * Writes what is generated from the registries and the schema (`npm run docs`): the registry-made parts of
 * schemas/mmexec.schema.json, docs/rule-language.md, and the README's lists of conditions and transforms.
 * `--check` writes nothing and exits 1 when any of them is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withReadmeLists } from '../src/docs/readme-lists.js';
import { generatedSchemaText, renderRuleDocs, type SchemaNode } from '../src/docs/rule-docs.js';

const root = new URL('../', import.meta.url);
const read = (file: string): string => {
  try {
    return readFileSync(new URL(file, root), 'utf8');
  } catch {
    return ''; // missing counts as stale
  }
};

const schema = generatedSchemaText();
const outputs: Array<[string, string]> = [
  ['schemas/mmexec.schema.json', schema],
  ['docs/rule-language.md', renderRuleDocs(JSON.parse(schema) as SchemaNode)],
  ['README.md', withReadmeLists(read('README.md'))],
];
const stale = outputs.filter(([file, text]) => read(file) !== text).map(([file]) => file);
if (process.argv.includes('--check')) {
  if (stale.length > 0) {
    process.stderr.write(`out of date with the registries and schema: ${stale.join(', ')}: run \`npm run docs\`\n`);
    process.exit(1);
  }
} else {
  for (const [file, text] of outputs) if (stale.includes(file)) writeFileSync(new URL(file, root), text);
  process.stdout.write(stale.length ? `wrote ${stale.join(', ')}\n` : 'up to date\n');
}
