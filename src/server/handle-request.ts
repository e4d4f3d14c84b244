/** The per-request pipeline: body → context → session and sticky state → route → reply or forward → record. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { debugRequest } from '../debug/debug-request.js';
import { forwardModelList, wantsModelList } from '../models/model-list.js';
import { asGatewayError, GatewayError } from '../errors.js';
import { RequestContext } from '../pipeline/context.js';
import { runRequestStages, runUpstreamStages } from '../pipeline/run-stages.js';
import { selectRoute } from '../pipeline/select-route.js';
import { applySticky, loadSticky } from '../pipeline/sticky.js';
import { findSession } from '../state/session-key.js';
import { admitClient, chooseUpstream, recordSpend } from '../team/admit.js';
import { authenticate } from '../team/auth.js';
import { forward } from '../upstream/forward.js';
import { LOOP_HEADER } from '../upstream/outgoing-headers.js';
import type { StreamOutcome } from '../upstream/response-pipe.js';
import type { Gateway } from './gateway.js';
import { sendError, sendJsonReply, sendLocalReply } from './local-reply.js';
import { parseBody } from './parse-body.js';
import { readBody } from './read-body.js';
import type { RequestTarget } from './request-target.js';
import { recordRequest } from './record-request.js';

const ID_PREFIX = `req_${randomBytes(6).toString('hex')}`;
let sequence = 0;

/** Request ids: a random per-process prefix and a counter (unique without a random draw per request). */
function nextRequestId(): string {
  sequence = (sequence + 1) % 0x1000000000000;
  return ID_PREFIX + sequence.toString(16).padStart(12, '0');
}

/** Handles one proxied request whose target was normalised (or refused) already. Never rejects. */
export async function handleRequest(gw: Gateway, req: IncomingMessage, res: ServerResponse, target: RequestTarget | GatewayError): Promise<void> {
  const start = performance.now();
  const plan = gw.plan;
  const id = nextRequestId();
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const headers = { ...req.headers };
  gw.inflight.add(res);
  let ctx: RequestContext | undefined;
  let outcome: StreamOutcome | 'error' = 'complete';
  let failure: GatewayError | undefined;
  let bodyRead = false;
  try {
    if (target instanceof GatewayError) throw target;
    if (gw.draining) throw new GatewayError('shutting_down', 'the gateway is shutting down; retry shortly');
    const via = String(headers[LOOP_HEADER] ?? '');
    if (via && via.split(',').some((v) => v.trim() === gw.services.instanceId)) {
      throw new GatewayError('loop_detected', 'request loop detected: this request already passed through this gateway (check the upstream URLs)');
    }
    // With clients configured, a request whose headers hold no valid key is refused before its body is read.
    const identity = plan.clients.length > 0 ? authenticate(plan, headers) : undefined;
    let raw: Buffer | undefined = await readBody(req, plan.server.bodyLimit, plan.server.bodyTimeoutMs);
    bodyRead = true;
    const bodyEnd = performance.now();
    ctx = new RequestContext(id, plan, gw.services, method, url, headers, raw, parseBody(method, target.path, raw), { start, bodyEnd });
    raw = undefined; // the context owns the body from here (and releases it once the upstream answers)
    const c = ctx;
    ctx.session = findSession(plan.sessions.sources, headers, () => c.field('metadata'));
    if (identity) await admitClient(ctx, identity);
    await loadSticky(ctx);
    const route = await selectRoute(ctx);
    ctx.route = route;
    const sticky = route.sticky;
    if (route.reply) {
      if (sticky) await applySticky(ctx, sticky);
      debugRequest(ctx);
      ctx.status = sendLocalReply(ctx, res, route.reply);
    } else {
      ctx.upstream = ctx.team ? chooseUpstream(ctx, route.upstream!) : route.upstream!;
      await runRequestStages(ctx, route.requestStages);
      await runUpstreamStages(ctx);
      debugRequest(ctx);
      if (ctx.localReply) {
        if (sticky) await applySticky(c, sticky);
        ctx.status = sendJsonReply(ctx, res, ctx.localReply.status, ctx.localReply.json);
      } else {
        // A forwarded request changes sticky state only once its upstream accepted it (2xx response head).
        outcome = wantsModelList(ctx) ? await forwardModelList(ctx, req, res) : await forward(ctx, req, res, sticky && (() => applySticky(c, sticky)));
        ctx.status = res.statusCode;
      }
    }
  } catch (err) {
    outcome = 'error';
    failure = asGatewayError(err);
    if (failure.code === 'internal') gw.log.error('request failed', { request_id: id, error: String((err as Error)?.stack ?? err) });
    // A body left unread is not drained: the connection closes once the error is sent.
    if (!bodyRead && !res.headersSent) res.setHeader('connection', 'close');
    sendError(res, failure, id);
    if (ctx) ctx.status = failure.status;
  } finally {
    gw.inflight.delete(res);
    if (ctx) for (const s of [...(ctx.upstream?.responseStages ?? []), ...(ctx.route?.responseStages ?? [])]) s.onEnd?.(ctx);
  }
  recordRequest(gw, ctx, { id, method, url, start, status: ctx?.status || failure?.status || res.statusCode, outcome, error: failure });
  if (ctx?.team?.readings) void recordSpend(ctx);
}
