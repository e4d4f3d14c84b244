/**
 * The one place a request's stage lists are put together, including the stages the gateway adds on its
 * own (the usage tap, the model list merge); `mmexec explain` shows the same lists.
 */
import { usageStage } from '../metrics/usage-stage.js';
import { modelListStage, wantsModelList } from '../models/model-list.js';
import type { CompiledRoute, CompiledUpstream } from '../plan/types.js';
import type { RequestContext } from './context.js';
import type { RequestStage, ResponseStage } from './stage.js';

/**
 * The request stages, in the order they run: the route's (strip_trigger first, then its `request`
 * transforms), then the upstream's (its `request` transforms, its `model`, its provider profile last).
 */
export function requestStagesOf(route: CompiledRoute | undefined, upstream: CompiledUpstream | undefined): RequestStage[] {
  return [...(route?.requestStages ?? []), ...(upstream?.requestStages ?? [])];
}

/**
 * The response stages of an answer from `upstream`, in the order they see it: the usage tap, the upstream's
 * (thinking recorder and error map of its profile first, then its `response` transforms), the route's, and
 * for a GET /v1/models with declared models the merge of the model lists.
 */
export function responseStagesOf(ctx: RequestContext, upstream: CompiledUpstream): ResponseStage[] {
  const stages = [usageStage, ...upstream.responseStages, ...(ctx.route?.responseStages ?? [])];
  if (wantsModelList(ctx)) stages.push(modelListStage);
  return stages;
}
