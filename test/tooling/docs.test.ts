import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderBundledRuleDocs, renderRuleDocs } from '../../src/docs/rule-docs.js';
import { ROOT } from '../support/run-cli.js';

describe('rule language reference', () => {
  it('matches what npm run docs generates from the schema', () => {
    const current = readFileSync(`${ROOT}docs/rule-language.md`, 'utf8');
    assert.ok(current === renderBundledRuleDocs(), 'docs/rule-language.md is out of date with schemas/mmexec.schema.json: run `npm run docs`');
  });

  it('documents every key of the schema with its description', () => {
    const schema = JSON.parse(readFileSync(`${ROOT}schemas/mmexec.schema.json`, 'utf8'));
    const md = renderRuleDocs(schema);
    for (const key of Object.keys(schema.properties)) assert.match(md, new RegExp(`\\| \`${key}\``));
    assert.ok(md.includes(schema.definitions.rule_test.properties.expect.description));
    schema.definitions.route.properties.name.description = 'A CHANGED DESCRIPTION';
    assert.ok(renderRuleDocs(schema).includes('A CHANGED DESCRIPTION'));
  });
});
