import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { COMBINATORS } from '../../../src/conditions/compile-condition.js';
import { CONDITIONS } from '../../../src/conditions/registry.js';
import { TRANSFORMS } from '../../../src/transforms/registry.js';
import { ruleProblems } from '../../support/compile-rules.js';

const ROOT = new URL('../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schemas/mmexec.schema.json', ROOT), 'utf8'));
const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
const reference = readFileSync(new URL('docs/rule-language.md', ROOT), 'utf8');

const HEAD = `version: 1
upstreams:
  a: { url: "http://127.0.0.1:9" }
routes:
`;

describe('condition registry', () => {
  it('gives every condition a parameter schema, a description and a compile step', () => {
    assert.ok(CONDITIONS.size >= 9);
    for (const [key, c] of CONDITIONS) {
      assert.equal(c.name, key);
      assert.ok(c.description.length > 20, `${key}: description`);
      assert.equal(typeof c.compile, 'function', `${key}: compile`);
      assert.ok(c.paramsSchema && typeof c.paramsSchema === 'object', `${key}: paramsSchema`);
    }
  });

  it('puts each condition schema in the rule file schema, so load checks it', () => {
    const props = schema.definitions.condition.properties;
    assert.deepEqual(Object.keys(props), [...CONDITIONS.keys(), ...COMBINATORS.map((c) => c.name)]);
    for (const [key, c] of CONDITIONS) assert.deepEqual(props[key], c.paramsSchema, `${key}: run npm run docs`);
    const ajv = new Ajv({ strict: false });
    ajv.addSchema(schema);
    for (const key of CONDITIONS.keys()) assert.ok(ajv.getSchema(`${schema.$id}#/definitions/condition/properties/${key}`), key);
  });

  it('documents every condition and transform in the README and the rule reference', () => {
    for (const key of [...CONDITIONS.keys(), ...COMBINATORS.map((c) => c.name)]) {
      assert.ok(readme.includes(`| \`${key}\` |`), `README lists ${key}`);
      assert.ok(reference.includes(`\`${key}\``), `rule reference lists ${key}`);
    }
    for (const t of TRANSFORMS.values()) {
      assert.ok(t.description.length > 10, `${t.name}: description`);
      assert.ok(readme.includes(`| \`${t.name}\` | ${t.phase} |`), `README lists ${t.name}`);
      assert.ok(reference.includes(`| \`${t.name}\` | ${t.phase} |`), `rule reference lists ${t.name}`);
    }
  });

  it('names the known conditions for an unknown key', () => {
    // The schema refuses the key first; the compile step says the same when it is reached.
    const [problem] = ruleProblems(`${HEAD}  - name: r\n    when: { lats_user_text: { equals: x } }\n    upstream: a\n`);
    assert.match(problem ?? '', /unknown key "lats_user_text" \(allowed: last_user_text, path, method, header, model, sticky, jsonata, stream, claude_code, all, any, not\)/);
  });
});

describe('condition parameters the gateway used to read silently in part', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a header with two value tests', '{ header: { name: x-team, equals: red, prefix: re } }', /when\.header: header takes one of equals, prefix, regex or present, not equals and prefix/],
    ['a header with a value and present: false', '{ header: { name: x-team, equals: red, present: false } }', /not equals and present/],
    ['sticky with equals and set', '{ sticky: { equals: minimax, set: false } }', /when\.sticky: sticky takes equals or set, not both/],
  ];
  for (const [name, when, want] of cases) {
    it(`refuses ${name}`, () => {
      const problems = ruleProblems(`${HEAD}  - name: r\n    when: ${when}\n    upstream: a\n`);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, want);
    });
  }

  it('accepts a method in lower case, as the schema now says', () => {
    assert.deepEqual(ruleProblems(`${HEAD}  - name: r\n    when: { method: post }\n    upstream: a\n`), []);
  });
});
