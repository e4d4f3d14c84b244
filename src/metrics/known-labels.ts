/** The label values a compiled plan makes known before any request: its upstreams and sticky values. */
import type { Plan } from '../plan/types.js';
import type { KnownLabels } from './types.js';

/** The upstream names and the values the plan's routes set as sticky state. */
export function knownLabels(plan: Plan): KnownLabels {
  const stickyValues = plan.routes.flatMap((r) => (r.sticky?.op === 'set' && r.sticky.value !== undefined ? [r.sticky.value] : []));
  return { upstreams: [...plan.upstreams.keys()], stickyValues };
}
