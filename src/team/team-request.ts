/**
 * What the team layer knows about one request, as the request context holds it. Types only, importing
 * nothing of the request path, so the context can hold it without an import cycle through team/admit.ts.
 */
import type { ClientIdentity } from './auth.js';
import type { BudgetReading } from './budget.js';

/** What the team layer knows about one request. Created per request; never shared. */
export interface TeamRequest {
  readonly identity: ClientIdentity;
  /** The client's caps with their spend at request start; undefined when it has no budget. */
  readings: BudgetReading[] | undefined;
  /** The route's upstream, when an exhausted cap moved the request to the client's over_budget upstream. */
  overBudgetFrom?: string;
}
