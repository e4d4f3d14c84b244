/**
 * Routing check before measuring: one request per case and size through the gateway, with the fake upstream
 * inspecting what arrives (which upstream, how many MiniMax-signed thinking blocks are left).
 */
import http from 'node:http';
import { wanted, wantedSizes } from '../args.js';
import { buildCase, caseApplies, type CaseId, type SizeId } from '../bodies/cases.js';
import { timedRequest } from '../load/latency.js';
import type { Context } from './context.js';
import { prime } from './context.js';

const CASES: CaseId[] = ['a', 'b', 'c', 'd'];

/** Runs the routing check and reports one row per case and size. */
export async function runCheck(ctx: Context): Promise<void> {
  const gateway = ctx.gateway;
  if (!gateway) return;
  const rows: string[][] = [];
  let failures = 0;
  await ctx.harness.configureUpstream({ inspect: true });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const sizeId of wantedSizes(ctx.settings)) {
      for (const caseId of CASES) {
        if (!caseApplies(caseId, sizeId) || !wanted(ctx.settings, caseId, sizeId)) continue;
        const spec = buildCase(caseId, sizeId, false, 'check');
        await prime(gateway, spec);
        await ctx.harness.resetUpstream();
        const { status, body } = await timedRequest(agent, gateway.url, spec);
        const stats = await ctx.harness.upstreamStats();
        const reached = stats.last?.provider ?? 'none';
        const leftSigned = stats.last?.minimaxSignedThinking ?? 0;
        const sentSigned = (caseId === 'b' || caseId === 'd') && sizeId !== 'small' ? 'all' : '0';
        const convertedOk = caseId !== 'b' || leftSigned === 0;
        const ok = status === 200 && reached === spec.expect && convertedOk;
        if (!ok) failures++;
        rows.push([
          spec.label,
          String(status),
          `${reached} (expected ${spec.expect})`,
          stats.last ? `${stats.last.thinkingBlocks} thinking, ${leftSigned} MiniMax-signed (sent: ${sentSigned})` : '-',
          ctx.gatewayKind === 'stand-in' ? 'n/a (stand-in)' : ok ? 'ok' : `WRONG${status !== 200 ? `: ${body.toString('utf8').slice(0, 120)}` : ''}`,
        ]);
      }
    }
  } finally {
    agent.destroy();
    await ctx.harness.configureUpstream({ inspect: false });
  }
  ctx.report.table({
    title: 'Routing check (one request per case through the gateway, as the upstream saw it)',
    headers: ['case', 'status', 'upstream reached', 'thinking at upstream', 'verdict'],
    rows,
  });
  if (ctx.gatewayKind === 'real') {
    ctx.report.check({
      name: 'gateway routes and converts every case as expected',
      target: 'all rows ok',
      measured: `${rows.length - failures}/${rows.length} ok`,
      pass: failures === 0,
    });
  }
}
