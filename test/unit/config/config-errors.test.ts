import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError, formatIssue } from '../../../src/errors.js';
import { compilePlan } from '../../../src/plan/compile.js';

const HEAD = `version: 1
upstreams:
  anthropic: { url: "http://127.0.0.1:1" }
  minimax: { url: "http://127.0.0.1:2" }
routes:
`;

/** Loads and compiles `text`; returns the formatted issues (empty when valid). */
function problems(text: string, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'mmexec-cfg-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  const file = join(dir, 'mmexec.yaml');
  writeFileSync(file, text);
  try {
    compilePlan(loadConfig(file, { env }), env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => formatIssue({ ...i, file: i.file.split('/').pop()! }));
  }
}

describe('rule file errors', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an unknown upstream, with the known ones', `${HEAD}  - name: a\n    upstream: minmax\n`, /^mmexec\.yaml:7:15 routes\[0\]\.upstream: unknown upstream "minmax" \(known: anthropic, minimax\)$/],
    ['an unknown key', `${HEAD}  - name: a\n    upstream: anthropic\n    upstreem: x\n`, /^mmexec\.yaml:8:5 routes\[0\]\.upstreem: unknown key "upstreem" \(allowed: name, description, when/],
    ['a wrong type', `${HEAD}  - name: a\n    upstream: anthropic\n    strip_trigger: "yes"\n`, /^mmexec\.yaml:8:20 routes\[0\]\.strip_trigger: expected boolean$/],
    ['a route with neither upstream nor reply', `${HEAD}  - name: a\n`, /^mmexec\.yaml:6:5 routes\[0\]: needs exactly one of: upstream, reply$/],
    ['a bad regex', `${HEAD}  - name: a\n    when: { last_user_text: { regex: "(unclosed" } }\n    upstream: anthropic\n`, /^mmexec\.yaml:7:38 routes\[0\]\.when\.last_user_text\.regex: invalid regex/],
    ['a regex with a backreference', `${HEAD}  - name: a\n    when: { last_user_text: { regex: "(a)\\\\1" } }\n    upstream: anthropic\n`, /^mmexec\.yaml:7:38 routes\[0\]\.when\.last_user_text\.regex: regex \/\(a\)\\1\/: the backreference \\1 at character 4 is not supported/],
    ['bad JSONata', `${HEAD}  - name: a\n    when: { jsonata: "messages[" }\n    upstream: anthropic\n`, /^mmexec\.yaml:7:22 routes\[0\]\.when\.jsonata: invalid JSONata/],
    ['bad JSONata in a transform', `${HEAD}  - name: a\n    upstream: anthropic\n    request: [ { jsonata: "$$merge(" } ]\n`, /routes\[0\]\.request\[0\]: invalid JSONata/],
    ['an unknown transform', `${HEAD}  - name: a\n    upstream: anthropic\n    request: [ restore-modle ]\n`, /^mmexec\.yaml:8:16 routes\[0\]\.request\[0\]: unknown request transform "restore-modle"/],
    ['a response transform used on the request', `${HEAD}  - name: a\n    upstream: anthropic\n    request: [ restore-model ]\n`, /is a response transform/],
    ['bad transform parameters', `${HEAD}  - name: a\n    upstream: anthropic\n    request: [ { set-model: { modle: x } } ]\n`, /invalid parameters for "set-model"/],
    ['a duplicate route name', `${HEAD}  - { name: a, upstream: anthropic }\n  - { name: a, upstream: minimax }\n`, /^mmexec\.yaml:7:13 routes\[1\]\.name: duplicate route name "a"/],
    ['an unset variable without default', `${HEAD}  - { name: a, upstream: anthropic }\nserver: { host: "\${MMEXEC_NOT_SET_VAR}" }\n`, /environment variable MMEXEC_NOT_SET_VAR is not set/],
    ['a bad duration', `${HEAD}  - { name: a, upstream: anthropic }\nstate: { sticky_ttl: 7 days }\n`, /state\.sticky_ttl: expected a duration/],
    ['strip_trigger without a last_user_text condition', `${HEAD}  - { name: a, upstream: anthropic, strip_trigger: true }\n`, /strip_trigger needs a last_user_text condition/],
    ['YAML syntax', `${HEAD}  - name: [a\n`, /^mmexec\.yaml:\d+:\d+ \(root\): /],
    ['a port that is not a number', `${HEAD}  - { name: a, upstream: anthropic }\nserver: { port: abc }\n`, /^mmexec\.yaml:7:17 server\.port: invalid port "abc": expected an integer from 0 to 65535$/],
    ['a port out of range', `${HEAD}  - { name: a, upstream: anthropic }\nserver: { port: 99999 }\n`, /^mmexec\.yaml:7:17 server\.port: invalid port "99999"/],
    ['a port with trailing letters', `${HEAD}  - { name: a, upstream: anthropic }\nserver: { port: "0x" }\n`, /server\.port: invalid port "0x"/],
    ['an empty host', `${HEAD}  - { name: a, upstream: anthropic }\nserver: { host: "" }\n`, /^mmexec\.yaml:7:17 server\.host: empty host/],
  ];
  for (const [name, text, want] of cases) {
    it(`reports ${name} with file, line and column`, () => {
      const found = problems(text);
      assert.ok(found.some((p) => want.test(p)), `expected ${want} in:\n${found.join('\n')}`);
    });
  }

  it('reports an invalid port or empty host that comes from the environment at its position', () => {
    const text = `${HEAD}  - { name: a, upstream: anthropic }\nserver: { host: "\${H:-127.0.0.1}", port: "\${PORT:-9099}" }\n`;
    assert.deepEqual(problems(text, {}, { PORT: 'abc' }), ['mmexec.yaml:7:42 server.port: invalid port "abc": expected an integer from 0 to 65535']);
    assert.deepEqual(problems(text, {}, { PORT: '65536' }).length, 1);
    const host = problems(text, {}, { H: ' ' });
    assert.equal(host.length, 1);
    assert.match(host[0]!, /^mmexec\.yaml:7:17 server\.host: empty host/);
    assert.deepEqual(problems(text, {}, { PORT: '9100' }), []);
  });

  it('lists every error, not only the first', () => {
    const found = problems(`${HEAD}  - { name: a, upstream: nowhere }\n  - { name: b, upstream: anthropic, request: [ nope ] }\n  - { name: c, when: { jsonata: "(" }, upstream: anthropic }\n`);
    assert.equal(found.length, 3, found.join('\n'));
  });

  it('points into the included rule file', () => {
    const found = problems(`${HEAD}  - include: rules.yaml\n`, { 'rules.yaml': 'routes:\n  - name: r\n    upstream: minimax\n  - name: s\n    upstream: nope\n' });
    assert.deepEqual(found, ['rules.yaml:5:15 routes[1].upstream: unknown upstream "nope" (known: anthropic, minimax)']);
  });

  it('expands ${VAR} and ${VAR:-default} from the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-cfg-'));
    const file = join(dir, 'mmexec.yaml');
    writeFileSync(file, 'version: 1\nserver: { port: "${P:-9100}" }\nupstreams:\n  a: { url: "${A_URL}" }\nroutes:\n  - { name: a, upstream: a }\n');
    const { plan } = compilePlan(loadConfig(file, { env: { A_URL: 'http://127.0.0.1:7/x' } }), {});
    assert.equal(plan.server.port, 9100);
    assert.equal(plan.upstreams.get('a')!.url.href, 'http://127.0.0.1:7/x');
    assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.routes) && Object.isFrozen(plan.routes[0]));
  });

  it('names state.url and its position for a Redis URL that does not parse, never echoing it', () => {
    const text = `${HEAD}  - { name: a, upstream: anthropic }\nstate:\n  store: redis\n  url: \${REDIS_URL}\n`;
    assert.deepEqual(problems(text, {}, { REDIS_URL: 'redis://:s3cret@[bad' }), [
      'mmexec.yaml:9:8 state.url: invalid Redis URL: it does not parse (expected e.g. redis://user:password@host:6379/0)',
    ]);
    assert.deepEqual(problems(text, {}, { REDIS_URL: 'http://127.0.0.1:6379' }), [
      'mmexec.yaml:9:8 state.url: invalid Redis URL: the scheme must be redis:// or rediss://, not http://',
    ]);
    assert.match(problems(`${HEAD}  - { name: a, upstream: anthropic }\nstate: { store: redis }\n`).join('\n'), /state\.url: store: redis needs a url/);
    for (const url of ['redis://127.0.0.1:6379', 'rediss://user:pw@cache.internal:6380/2', 'redis://[::1]:6379']) {
      assert.deepEqual(problems(text, {}, { REDIS_URL: url }), [], url);
    }
  });

  it('accepts the bundled rule file', () => {
    assert.deepEqual(problems('', {}, {}).length > 0, true); // an empty file is not a configuration
    const { plan } = compilePlan(loadConfig('mmexec.yaml', { env: {} }), {});
    assert.deepEqual(plan.routes.map((r) => r.name).slice(-2), ['sticky-minimax', 'default-anthropic']);
  });
});
