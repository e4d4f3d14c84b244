/**
 * The profile stage: shapes every Messages and count_tokens request bound for an upstream to what its
 * provider accepts, just before it leaves. In order: requests holding images or documents the provider cannot
 * read go to the profile's `on_image` upstream when one is named; count_tokens is answered with an estimate
 * when the provider has no such endpoint; a request clearly over the context window is refused as Anthropic's
 * "prompt is too long"; then messages (system turns folded, unreadable blocks replaced), fields, thinking,
 * effort, sampling, tools and the client's private data are shaped. Every change is noted for explain.
 */
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import type { RequestStage } from '../pipeline/stage.js';
import { filterBetas } from './betas.js';
import { FieldEdits } from './field-edits.js';
import type { CompiledProfile } from './compile-profile.js';
import { BYTES_PER_TOKEN, estimateTokens, overWindow } from './estimate-tokens.js';
import { capMaxTokens, clampSampling, dropFields, shapeOutputConfig, shapeThinking } from './shape-fields.js';
import { holdsUnreadable, shapeMessages, type MessageChanges } from './shape-messages.js';
import { dropBillingHeader, shapeUserId } from './shape-private.js';
import { shapeTools } from './shape-tools.js';
import type { ProfileRules } from './types.js';

const MESSAGES = '/v1/messages';
const COUNT_TOKENS = '/v1/messages/count_tokens';

function describeMessages(c: MessageChanges, notes: string[]): void {
  if (c.folded > 0) notes.push(`folded ${c.folded} system turn${c.folded === 1 ? '' : 's'} into the adjacent user turn`);
  for (const [type, n] of c.replaced) notes.push(`${type === 'redacted_thinking' ? 'removed' : 'replaced by a text note'}: ${n} ${type} block${n === 1 ? '' : 's'}`);
}

/** Moves a request with unreadable images to the `on_image` upstream; true when it did. */
function reroute(ctx: RequestContext, cp: CompiledProfile, rules: ProfileRules): boolean {
  const target = cp.options.onImage ? ctx.plan.upstreams.get(cp.options.onImage) : undefined;
  if (!target || ctx.reroutedFrom !== undefined || !holdsUnreadable(ctx.payload!, rules)) return false;
  ctx.reroutedFrom = ctx.upstream?.name;
  ctx.profileNotes.push(`sent to upstream "${target.name}" (profile.on_image): the request holds images or documents ${cp.profile.name} cannot read`);
  ctx.upstream = target;
  return true;
}

function shapeBody(ctx: RequestContext, cp: CompiledProfile, rules: ProfileRules, model: string): void {
  const body = ctx.payload!;
  const notes = ctx.profileNotes;
  describeMessages(shapeMessages(body, rules, model), notes);
  const fields = new FieldEdits(body);
  dropFields(fields, rules, notes);
  capMaxTokens(fields, rules, notes);
  const thinking = shapeThinking(fields, rules, model, notes);
  shapeOutputConfig(fields, rules, thinking, notes);
  clampSampling(fields, 'temperature', rules.temperature, notes);
  clampSampling(fields, 'top_p', rules.topP, notes);
  shapeTools(fields, rules, notes);
  if (!cp.profile.firstParty) shapeUserId(fields, cp.options.userId, notes);
  if (!cp.profile.billingHeader) dropBillingHeader(fields, notes);
  fields.commit();
  const betas = filterBetas(ctx.headers['anthropic-beta'], cp.profile.betas);
  if (betas.removed.length > 0) notes.push(`anthropic-beta: removed ${betas.removed.join(', ')}`);
}

/** Builds the stage for an upstream's compiled profile. */
export function profileStage(cp: CompiledProfile): RequestStage {
  return {
    name: `profile ${cp.profile.name}`,
    onRequest(ctx) {
      const body = ctx.payload;
      const counting = ctx.path === COUNT_TOKENS;
      if (!body || ctx.method !== 'POST' || (ctx.path !== MESSAGES && !counting)) return;
      const model = typeof body.field('model') === 'string' ? (body.field('model') as string) : '';
      const rules = cp.rulesFor(model);
      if (reroute(ctx, cp, rules)) return;
      if (counting && !cp.profile.countTokens) {
        const tokens = estimateTokens(ctx.outgoingBody(), BYTES_PER_TOKEN);
        ctx.localReply = { status: 200, json: { input_tokens: tokens } };
        ctx.profileNotes.push(`count_tokens answered by the gateway: about ${tokens} tokens (${cp.profile.name} has no count_tokens; one token per ${BYTES_PER_TOKEN} bytes)`);
        return;
      }
      const over = counting || rules.contextWindow === undefined ? undefined : overWindow(ctx.outgoingBody(), rules.contextWindow);
      if (over !== undefined) {
        ctx.profileNotes.push(`refused before sending: about ${over} tokens, over the ${rules.contextWindow}-token context window of ${model || cp.profile.name}`);
        throw new GatewayError('prompt_too_long', `prompt is too long: ${over} tokens > ${rules.contextWindow} maximum`);
      }
      shapeBody(ctx, cp, rules, model || cp.profile.name);
    },
  };
}
