/** Writes docs/rule-language.md from the JSON Schema (`npm run docs`); `--check` exits 1 when it is stale. */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderBundledRuleDocs } from '../src/docs/rule-docs.js';

const target = new URL('../docs/rule-language.md', import.meta.url);
const text = renderBundledRuleDocs();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    process.stderr.write('docs/rule-language.md is out of date with schemas/mmexec.schema.json: run `npm run docs`\n');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  process.stdout.write('wrote docs/rule-language.md\n');
}
