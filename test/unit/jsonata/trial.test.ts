import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { verdict } from '../../../src/jsonata/trial.js';
import { DEFAULT_JSONATA_LIMITS } from '../../../src/jsonata/compile-jsonata.js';
import { reload } from '../../../src/server/lifecycle.js';
import { ruleProblems, writeRules } from '../../support/compile-rules.js';
import { post, startTestGateway, userBody } from '../../support/gateway.js';
import { runCli } from '../../support/run-cli.js';

const HEAD = `version: 1
upstreams:
  a: { url: "http://127.0.0.1:9" }
routes:
`;
const conditionRoute = (expr: string): string => `${HEAD}  - name: r\n    when: { jsonata: ${JSON.stringify(expr)} }\n    upstream: a\n`;
const transformRoute = (expr: string): string => `${HEAD}  - name: r\n    upstream: a\n    request:\n      - jsonata: ${JSON.stringify(expr)}\n`;

describe('JSONata expressions tried on sample requests at load', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['a condition calling an unknown function', conditionRoute('$nosuchfunction(messages)'), /^mmexec\.yaml:6:22 routes\[0\]\.when\.jsonata: JSONata fails on every sample request: Attempted to invoke a non-function at character 16$/],
    ['a condition with a wrong argument count', conditionRoute('$count(messages, tools, 3) > 1'), /routes\[0\]\.when\.jsonata: JSONata fails on every sample request: .* at character \d+$/],
    ['a condition turning the model name into a number', conditionRoute('$number(model) > 3'), /routes\[0\]\.when\.jsonata: JSONata fails on every sample request: Unable to cast value to a number/],
    ['a transform calling an unknown function', transformRoute('$merge([$, $nosuch(messages)])'), /^mmexec\.yaml:8:9 routes\[0\]\.request\[0\]: JSONata fails on every sample request: Attempted to invoke a non-function at character \d+$/],
    ['a transform that yields an array', transformRoute('messages'), /routes\[0\]\.request\[0\]: jsonata transform must produce a JSON object; on the sample requests it produced an array$/],
    ['a transform that yields nothing', transformRoute('nosuchfield'), /it produced nothing$/],
  ];
  for (const [name, text, want] of refused) {
    it(`refuses ${name}`, () => {
      const problems = ruleProblems(text);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, want);
    });
  }

  const accepted: Array<[string, string]> = [
    ['a condition over the body', conditionRoute('$count(tools) > 10 and max_tokens > 1000')],
    ['a condition that fails only on some requests', conditionRoute('$substring(system, 0, 3) = "x-a"')],
    ['a condition on a field no sample has', conditionRoute('metadata.team = "red"')],
    ['a transform merging into the body', transformRoute('$merge([$, { "top_k": $count(messages) }])')],
    ['a transform that yields an object only for some requests', transformRoute('$count(messages) > 1 ? $ : "too short"')],
  ];
  for (const [name, text] of accepted) {
    it(`accepts ${name}`, () => assert.deepEqual(ruleProblems(text), []));
  }

  it('leaves limits to request time: a sample stopped by one is not an error', () => {
    const spec = { source: 'x', path: [], limits: DEFAULT_JSONATA_LIMITS, produces: 'truth' as const };
    const stopped = { id: 1, ok: false as const, reason: 'timeout' as const, message: 'timeout' };
    assert.equal(verdict(spec, [stopped, stopped]), undefined);
  });

  it('is reported by mmexec validate', async () => {
    const r = await runCli(['validate', '--config', writeRules(conditionRoute('$nosuchfunction(messages)'))]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /mmexec\.yaml:6:22 routes\[0\]\.when\.jsonata: JSONata fails on every sample request: Attempted to invoke a non-function at character 16/);
  });

  it('keeps the running config on reload', async () => {
    const good = `version: 1\nstate: { store: memory }\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: v1, reply: { text: v1 } }\n`;
    const gw = await startTestGateway(good);
    try {
      writeFileSync(gw.configPath, `${good.replace('routes:\n', 'routes:\n  - name: bad\n    when: { jsonata: "$nosuchfunction(messages)" }\n    reply: { text: bad }\n')}`);
      assert.equal(reload(gw, gw.configPath), false);
      assert.equal((await post(`${gw.url}/v1/messages`, userBody('hello'))).text.trim(), 'v1');
    } finally {
      await gw.close();
    }
  });
});
