/** Compares a rule test's expectations with a simulation and describes every mismatch as a diff. */
import type { RuleTestConfig } from '../config/types.js';
import type { Simulation } from '../explain/simulate.js';

/** The observable outcome of a simulation, in the vocabulary of a test's `expect`. */
export interface Outcome {
  route: string;
  upstream: string;
  model: string;
  text: string;
  status: number | 'forwarded';
  reply: string;
  sticky: string;
  changed: boolean;
}

/** What a simulation produced, as a test sees it. */
export function outcomeOf(sim: Simulation): Outcome {
  const local = sim.reply !== undefined || sim.error !== undefined;
  return {
    route: sim.route?.name ?? 'none',
    upstream: local ? 'none' : (sim.upstream?.name ?? 'none'),
    model: local ? 'none' : (sim.model ?? 'none'),
    text: local ? 'none' : (sim.lastUserText ?? 'none'),
    status: sim.reply?.status ?? sim.error?.status ?? 'forwarded',
    reply: sim.reply?.text ?? sim.error?.message ?? '',
    sticky: sim.stickyAfter.session ?? 'none',
    changed: sim.changed,
  };
}

/** Diff lines (`- key: expected` / `+ key: actual`) for each expectation not met; empty when the test passes. */
export function checkExpectations(expect: RuleTestConfig['expect'], sim: Simulation): string[] {
  const actual = outcomeOf(sim);
  const lines: string[] = [];
  const miss = (key: string, want: unknown, got: unknown): void => {
    lines.push(`- ${key}: ${JSON.stringify(want)}`, `+ ${key}: ${JSON.stringify(got)}`);
  };
  for (const key of ['route', 'upstream', 'model', 'text', 'status', 'changed'] as const) {
    const want = expect[key];
    if (want !== undefined && want !== actual[key]) miss(key, want, actual[key]);
  }
  if (expect.reply !== undefined && !actual.reply.includes(expect.reply)) miss('reply (contains)', expect.reply, actual.reply);
  if (expect.sticky !== undefined) {
    const want = expect.sticky ?? 'none';
    if (want !== actual.sticky) miss('sticky', want, actual.sticky);
  }
  return lines;
}
