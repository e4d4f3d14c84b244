/**
 * The parts of the rule file schema that come from the registries: the `when` keys (each condition's
 * parameter schema) and the built-in transform names in the descriptions of `request:` and `response:`.
 * `npm run docs` writes them into schemas/mmexec.schema.json; a test fails when the file differs.
 */
import { COMBINATORS } from '../conditions/compile-condition.js';
import { CONDITIONS } from '../conditions/registry.js';
import { TRANSFORMS } from '../transforms/registry.js';
import type { SchemaNode } from './schema-node.js';

/** The names of the built-in transforms of a phase, in registry order. */
export function transformNames(phase: 'request' | 'response'): string[] {
  return [...TRANSFORMS.values()].filter((t) => t.phase === phase).map((t) => t.name);
}

const TRANSFORM_LIST_INTRO = {
  request: 'Request transforms, applied in order.',
  response: 'Response transforms, applied in order.',
} as const;

function transformListDescription(phase: 'request' | 'response'): string {
  return `${TRANSFORM_LIST_INTRO[phase]} Each item is a transform name, or a map of one name to its parameters. Built-in: ${transformNames(phase).join(', ')}.`;
}

/** The `properties` of `definitions.condition`: every registered condition, then all / any / not. */
export function conditionProperties(): Record<string, SchemaNode> {
  const props: Record<string, SchemaNode> = {};
  for (const c of CONDITIONS.values()) props[c.name] = structuredClone(c.paramsSchema) as SchemaNode;
  for (const c of COMBINATORS) props[c.name] = structuredClone(c.paramsSchema) as SchemaNode;
  return props;
}

/** A copy of `schema` with the registry-made parts filled in; everything else is kept as it is. */
export function withRegistryLists(schema: SchemaNode): SchemaNode {
  const out = structuredClone(schema);
  const defs = out.definitions ?? {};
  if (defs.condition) defs.condition.properties = conditionProperties();
  for (const owner of [defs.route, defs.upstream]) {
    for (const phase of ['request', 'response'] as const) {
      const list = owner?.properties?.[phase];
      if (list) list.description = transformListDescription(phase);
    }
  }
  return out;
}
