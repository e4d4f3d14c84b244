/**
 * The last request stage of an upstream speaking another protocol: what that protocol has no endpoint for is
 * answered by the gateway instead of being forwarded half-formed. count_tokens gets an estimate (one token per
 * BYTES_PER_TOKEN bytes of text, base64 data and signatures left out; see src/profiles/estimate-tokens.ts),
 * GET /v1/models the models the rule file declares, and any other request an Anthropic not_found_error.
 * POST /v1/messages passes on: the forwarder translates it as the last step before sending.
 */
import { errorEnvelope, GatewayError } from '../errors.js';
import { declaredList } from '../models/model-list.js';
import type { RequestStage } from '../pipeline/stage.js';
import { BYTES_PER_TOKEN, estimateTokens } from '../profiles/estimate-tokens.js';
import { COUNT_TOKENS_PATH as COUNT_TOKENS, MESSAGES_PATH } from './paths.js';
import type { Protocol } from './types.js';


/** Builds the boundary stage of an upstream speaking `protocol`. */
export function boundaryStage(protocol: Protocol): RequestStage {
  return {
    name: `protocol ${protocol.name}`,
    onRequest(ctx) {
      if (ctx.method === 'POST' && ctx.path === MESSAGES_PATH) return;
      const upstream = ctx.upstream?.name ?? '';
      if (ctx.method === 'POST' && ctx.path === COUNT_TOKENS && ctx.payload) {
        const tokens = estimateTokens(ctx.outgoingBody(), BYTES_PER_TOKEN);
        ctx.localReply = { status: 200, json: { input_tokens: tokens } };
        ctx.profileNotes.push(`count_tokens answered by the gateway: about ${tokens} tokens (${protocol.name} has no count_tokens; one token per ${BYTES_PER_TOKEN} bytes)`);
      } else if (ctx.method === 'GET' && ctx.path === '/v1/models') {
        ctx.localReply = { status: 200, json: declaredList(ctx.plan.models) };
        ctx.profileNotes.push(`model list answered by the gateway: the models the rule file declares (upstream "${upstream}" speaks ${protocol.name})`);
      } else {
        const message = `upstream "${upstream}" speaks ${protocol.name}: the gateway sends it only POST /v1/messages (count_tokens and GET /v1/models are answered locally), not ${ctx.method} ${ctx.path}`;
        const err = new GatewayError('no_route', message);
        ctx.localReply = { status: err.status, json: errorEnvelope(err, ctx.id) };
        ctx.profileNotes.push(message);
      }
    },
  };
}
