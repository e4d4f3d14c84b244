/**
 * Timings of a request answered by a fallback: the time the failed upstream took is not the gateway's own
 * overhead, and the first byte is the answering upstream's. The bounds come from deliberate delays of the
 * fake upstreams (one second), not from how fast the machine is.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start.js';
import { gatewayFor, messagesBody, rawUpstream, ruleFile, send, sseMessage, type RawUpstream } from '../../support/rule-file-gateway.js';

const DELAY_MS = 1000;

/** The _sum sample of a histogram (optionally of one label set). */
async function histogramSum(gw: RunningGateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = gw.gateway.registry.getSingleMetric(name);
  const { values } = await metric!.get();
  return values
    .filter((v) => (v as { metricName?: string }).metricName === `${name}_sum` && Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

const answer = (res: import('node:http').ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(sseMessage('from the fallback').join(''));
};

const failWith503 = (res: import('node:http').ServerResponse): void => {
  res.writeHead(503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } }));
};

describe('timings of a fallback', () => {
  let slowFail: RawUpstream;
  let quickFail: RawUpstream;
  let slowAnswer: RawUpstream;
  let quickAnswer: RawUpstream;
  before(async () => {
    slowFail = await rawUpstream((req, res) => void req.resume().on('end', () => setTimeout(() => failWith503(res), DELAY_MS)));
    quickFail = await rawUpstream((req, res) => void req.resume().on('end', () => failWith503(res)));
    slowAnswer = await rawUpstream((req, res) => void req.resume().on('end', () => setTimeout(() => answer(res), DELAY_MS)));
    quickAnswer = await rawUpstream((req, res) => void req.resume().on('end', () => answer(res)));
  });
  after(async () => {
    for (const u of [slowFail, quickFail, slowAnswer, quickAnswer]) await u?.close();
  });

  const body = JSON.stringify(messagesBody({ stream: true }));

  it('does not count the failed attempt as gateway overhead', async () => {
    const gw = await gatewayFor(ruleFile({ primary: { url: slowFail.url, extra: ['fallback: backup'] }, backup: { url: quickAnswer.url } }));
    try {
      const r = await send(gw.url, { body });
      assert.match(r.body, /from the fallback/);
      const overhead = await histogramSum(gw, 'mmexec_overhead_seconds');
      assert.ok(overhead < DELAY_MS / 1000, `overhead ${overhead}s includes the ${DELAY_MS} ms the failed upstream took`);
    } finally {
      await gw.close();
    }
  });

  it("takes the first byte from the upstream that answered, not the failed one", async () => {
    const gw = await gatewayFor(ruleFile({ primary: { url: quickFail.url, extra: ['fallback: backup'] }, backup: { url: slowAnswer.url } }));
    try {
      const r = await send(gw.url, { body });
      assert.match(r.body, /from the fallback/);
      const ttfb = await histogramSum(gw, 'mmexec_time_to_first_byte_seconds', { upstream: 'backup' });
      assert.ok(ttfb >= DELAY_MS / 1000, `time to first byte ${ttfb}s is the failed upstream's, not the fallback's (which waited ${DELAY_MS} ms)`);
    } finally {
      await gw.close();
    }
  });
});
