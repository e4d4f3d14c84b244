import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { withReadmeLists } from '../../../src/docs/readme-lists.js';
import { generatedSchemaText, renderRuleDocs } from '../../../src/docs/rule-docs.js';
import { transformNames } from '../../../src/docs/schema-lists.js';

const ROOT = new URL('../../../', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, ROOT), 'utf8');

describe('files generated from the registries', () => {
  it('keeps schemas/mmexec.schema.json as the registries make it', () => {
    assert.ok(read('schemas/mmexec.schema.json') === generatedSchemaText(), 'schemas/mmexec.schema.json is stale: run `npm run docs`');
  });

  it('keeps docs/rule-language.md as the schema makes it', () => {
    assert.ok(read('docs/rule-language.md') === renderRuleDocs(JSON.parse(generatedSchemaText())), 'docs/rule-language.md is stale: run `npm run docs`');
  });

  it("keeps the README's lists of conditions and transforms as the registries make them", () => {
    assert.ok(read('README.md') === withReadmeLists(read('README.md')), 'README.md lists are stale: run `npm run docs`');
  });

  it('names every built-in transform of each phase in the schema', () => {
    const schema = JSON.parse(read('schemas/mmexec.schema.json'));
    for (const owner of ['route', 'upstream']) {
      for (const phase of ['request', 'response'] as const) {
        const text: string = schema.definitions[owner].properties[phase].description;
        assert.ok(text.endsWith(`Built-in: ${transformNames(phase).join(', ')}.`), `${owner}.${phase}: ${text}`);
      }
    }
  });

  it('refuses a README without the markers instead of dropping the lists', () => {
    assert.throws(() => withReadmeLists('# no lists here\n'), /lacks the <!-- begin generated conditions/);
  });
});
