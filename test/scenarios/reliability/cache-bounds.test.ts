import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sanitizeLabel, LabelLimiter } from '../../../src/metrics/labels.js';
import { compilePrices } from '../../../src/metrics/prices.js';
import { LruMap } from '../../../src/state/lru-map.js';
import type { RunningGateway } from '../../../src/server/start.js';
import { gatewayFor, rawUpstream, ruleFile, send, type RawUpstream } from '../../support/rule-file-gateway.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;
/** A distinct 1 MB string: a different head, so no two requests share a cache entry. */
const huge = (i: number, fill: string): string => `${i}-${fill.repeat(MB)}`;

describe('caches keyed by client strings stay bounded', () => {
  let up: RawUpstream;
  let gw: RunningGateway;

  before(async () => {
    // Echoes the model it was sent, so the served model (labels, prices) is the client's string too.
    up = await rawUpstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const model = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string }).model;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } }));
      });
    });
    gw = await gatewayFor(ruleFile({ anthropic: { url: up.url, extra: ['request: [ minimax-thinking-to-text ]'] } }));
  });

  after(async () => {
    await gw.close();
    await up.close();
  });

  it('keeps under 16 MB after 40 requests with distinct 1 MB models and thinking signatures', async () => {
    const send1 = async (i: number): Promise<void> => {
      const body = JSON.stringify({
        model: huge(i, 'm'),
        max_tokens: 1,
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: `t${i}`, signature: huge(i, 's') }, { type: 'text', text: 'a' }] },
          { role: 'user', content: 'next' },
        ],
      });
      const res = await send(gw.url, { path: '/v1/messages', body, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 200, res.body.slice(0, 300));
    };
    for (let i = 0; i < 3; i++) await send1(i); // warm up code paths and pools before the baseline
    const before = heapAfterGc();
    for (let i = 3; i < 43; i++) await send1(i);
    const grown = (heapAfterGc() - before) / MB;
    console.log(`# heap growth after 40 requests with 1 MB models and signatures: ${grown.toFixed(1)} MB`);
    assert.ok(grown < 16, `the heap grew by ${grown.toFixed(1)} MB`);
  });

  it('bounds the price memo, label cache and an LruMap by bytes as well as entries', () => {
    const prices = compilePrices();
    const labels = new LabelLimiter(10);
    const before = heapAfterGc();
    for (let i = 0; i < 40; i++) {
      const model = huge(i, 'p');
      prices.lookup(model);
      labels.get(model);
      sanitizeLabel(model);
    }
    const grown = (heapAfterGc() - before) / MB;
    assert.ok(grown < 4, `the heap grew by ${grown.toFixed(1)} MB`);

    const lru = new LruMap<string, string>(1000, 10_000);
    for (let i = 0; i < 100; i++) lru.set(`k${i}`, 'v'.repeat(500));
    assert.ok(lru.bytes <= 10_000, `holds ${lru.bytes} bytes`);
    assert.ok(lru.size < 100 && lru.size > 0);
    assert.equal(lru.get('k99'), 'v'.repeat(500), 'the newest entry survives');
    assert.equal(lru.get('k0'), undefined, 'the oldest went first');
    lru.set('big', 'x'.repeat(20_000));
    assert.equal(lru.get('big'), undefined, 'an entry larger than the bound is not kept');
  });
});
