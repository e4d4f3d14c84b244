/**
 * The JSONata library is loaded by the first rule expression, not by starting the gateway: a rule file without
 * JSONata serves without it in memory.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { compileRules } from '../../support/compile-rules.js';
import { startTestGateway } from '../../support/gateway.js';

const loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((p) => /[\\/]node_modules[\\/]jsonata[\\/]/.test(p));

const HEAD = `version: 1
upstreams:
  a: { url: "http://127.0.0.1:9" }
routes:
`;

describe('JSONata loading', () => {
  it('is not loaded by a gateway whose rules have no JSONata, and is by the first expression', async () => {
    const gw = await startTestGateway(`${HEAD}  - name: r\n    when: { model: "claude-*" }\n    upstream: a\n`);
    try {
      assert.equal(loaded(), false, 'serving rules without JSONata does not load the library');
    } finally {
      await gw.close();
    }
    const { plan } = compileRules(`${HEAD}  - name: r\n    when: { jsonata: "model = 'x'" }\n    upstream: a\n`);
    for (const u of plan.upstreams.values()) u.agent.destroy();
    assert.equal(loaded(), true, 'a JSONata condition loads it');
  });
});
