/** MMEXEC_METRICS_TOKEN protects /metrics and /status with the bundled mmexec.yaml, as .env.example says. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startClassic } from '../../support/classic-gateway.js';

const get = async (url: string, token?: string): Promise<number> =>
  (await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })).status;

describe('MMEXEC_METRICS_TOKEN with the bundled rules', () => {
  it('requires the token on /metrics and /status when it is set', async () => {
    const s = await startClassic({ env: { MMEXEC_METRICS_TOKEN: 'scrape-secret' } });
    try {
      for (const path of ['/metrics', '/status']) {
        const url = `${s.gateway.url}${path}`;
        assert.equal(await get(url), 401, `${path} without a token`);
        assert.equal(await get(url, 'wrong'), 401, `${path} with a wrong token`);
        assert.equal(await get(url, 'scrape-secret'), 200, `${path} with the token`);
      }
      assert.equal(await get(`${s.gateway.url}/healthz`), 200, '/healthz stays open');
    } finally {
      await s.close();
    }
  });

  for (const [what, env] of [['unset', {}], ['empty', { MMEXEC_METRICS_TOKEN: '' }]] as const) {
    it(`leaves /metrics and /status open when it is ${what}`, async () => {
      const s = await startClassic({ env });
      try {
        assert.equal(await get(`${s.gateway.url}/metrics`), 200);
        assert.equal(await get(`${s.gateway.url}/status`), 200);
      } finally {
        await s.close();
      }
    });
  }
});
