/** Runs rule tests against compiled plans and reports each result with a diff when it fails. */
import { loadConfig } from '../config/load.js';
import { compilePlan } from '../plan/compile.js';
import type { Plan } from '../plan/types.js';
import { buildTestRequest } from './build-request.js';
import { checkExpectations } from './check.js';
import type { TestSuite, TestTarget } from './collect.js';
import { simulate } from '../explain/simulate.js';

/** The result of one test. */
export interface TestResult {
  name: string;
  /** `file:line:col` of the test. */
  where: string;
  ok: boolean;
  /** `- expected` / `+ actual` lines, and the routes tried, when the test fails. */
  diff: string[];
}

/** Compiles the plan of a target (warnings are ignored: tests never reach an upstream). */
export function planOf(target: TestTarget, env: NodeJS.ProcessEnv): Plan {
  return compilePlan(loadConfig(target.configPath, { env, text: target.configText }), env).plan;
}

/** Runs the tests of one suite against `plan`. */
export async function runSuite(plan: Plan, suite: TestSuite, env: NodeJS.ProcessEnv): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const [i, t] of suite.tests.entries()) {
    const where = suite.where(i);
    let diff: string[];
    try {
      const sim = await simulate(plan, buildTestRequest(t, suite.baseDir), env);
      diff = checkExpectations(t.expect, sim);
      if (diff.length > 0) {
        const tried = sim.traces.map((tr) => `${tr.route} ${tr.matched ? '✓' : '✗'}`).join(', ');
        diff.push(`  routes tried: ${tried || '(none)'}`);
        if (sim.error) diff.push(`  gateway error: ${sim.error.status} ${sim.error.message}`);
      }
    } catch (err) {
      diff = [`  could not run: ${(err as Error).message}`];
    }
    results.push({ name: t.name, where, ok: diff.length === 0, diff });
  }
  return results;
}

/** Runs every suite of a target. */
export async function runTarget(target: TestTarget, env: NodeJS.ProcessEnv): Promise<TestResult[]> {
  const plan = planOf(target, env);
  try {
    const out: TestResult[] = [];
    for (const suite of target.suites) out.push(...(await runSuite(plan, suite, env)));
    return out;
  } finally {
    for (const u of plan.upstreams.values()) u.agent.destroy();
  }
}
