/**
 * GET /v1/models with declared models: forwarded to the route's upstream as any request, and its list
 * answered with the declared models merged in. When the upstream's list fails (unreachable, timeout, a
 * non-2xx status, a body that is not a model list), the declared models alone are answered with 200.
 */
import type { RequestContext } from '../pipeline/context.js';
import type { ResponseStage } from '../pipeline/stage.js';
import type { ModelObject } from './declared-models.js';

/** Anthropic's list format. */
export interface ModelList {
  data: unknown[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

const PAGE_CURSOR = /(?:^|&)(?:after_id|before_id)=/;

/** True for a first-page GET /v1/models (no after_id / before_id) when the plan declares models. */
export function wantsModelList(ctx: RequestContext): boolean {
  if (ctx.method !== 'GET' || ctx.path !== '/v1/models' || ctx.plan.models.length === 0) return false;
  return !PAGE_CURSOR.test(ctx.url.slice(ctx.path.length + 1));
}

function idOf(entry: unknown): string | null {
  const id = (entry as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : null;
}

/**
 * The declared models, then the upstream's entries (an entry with a declared id is left out: the
 * declaration wins), with has_more from the upstream. Undefined when `upstream` is not a model list.
 */
export function mergeModelLists(declared: readonly ModelObject[], upstream: unknown): ModelList | undefined {
  const given = (upstream as { data?: unknown } | null | undefined)?.data;
  if (!Array.isArray(given)) return undefined;
  const ids = new Set(declared.map((m) => m.id));
  const data = [...declared, ...given.filter((m) => !ids.has(idOf(m) ?? ''))];
  return { data, has_more: (upstream as { has_more?: unknown }).has_more === true, first_id: idOf(data[0]), last_id: idOf(data.at(-1)) };
}

/** The declared models alone, as a list. */
export function declaredList(declared: readonly ModelObject[]): ModelList {
  return mergeModelLists(declared, { data: [] })!;
}

/** The declared models alone as the answer's bytes, when the upstream's list failed (logged with `why`). */
export function declaredOnly(ctx: RequestContext, why: string): Buffer {
  ctx.log.warn('model list: the upstream list failed, answering the declared models', { upstream: ctx.upstream?.name, reason: why });
  return Buffer.from(JSON.stringify(declaredList(ctx.plan.models)));
}

/** Rewrites the upstream's buffered answer into the merged list (always 200 JSON). */
export const modelListStage: ResponseStage = {
  name: 'model-list',
  onBody(ctx, body) {
    const merged = body.status < 300 ? mergeModelLists(ctx.plan.models, body.json) : undefined;
    if (merged) return { status: 200, json: merged, raw: Buffer.from(JSON.stringify(merged)) };
    const raw = declaredOnly(ctx, body.status < 300 ? 'not a model list' : `status ${body.status}`);
    return { status: 200, json: undefined, raw };
  },
  onResponseHead(_ctx, head) {
    if (!String(head.headers['content-type'] ?? '').includes('event-stream')) head.headers['content-type'] = 'application/json';
  },
};
