/**
 * The checks of a plan against the address it will listen on, shared by `serve`, reload, `validate` and
 * `doctor`: an open gateway on a network address, and an upstream that is the gateway itself.
 */
import type { LoadedConfig } from '../config/load.js';
import type { ConfigIssue } from '../errors.js';
import { unsafeBinding } from '../team/safe-binding.js';
import type { Plan } from './types.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0', '[::]']);

/** Name of an upstream whose URL is this gateway's own address, if any. */
export function selfLoop(plan: Plan, port: number): string | undefined {
  for (const u of plan.upstreams.values()) {
    const uPort = Number(u.url.port || (u.url.protocol === 'https:' ? 443 : 80));
    if (uPort === port && (LOCAL_HOSTS.has(u.url.hostname) || u.url.hostname === plan.server.host)) return u.name;
  }
  return undefined;
}

/** What is wrong with an upstream that points at the gateway on `port`. */
export function selfLoopMessage(upstream: string, port: number): string {
  return `upstream "${upstream}" points at this gateway (port ${port}); it would loop. Set its URL to the real upstream (e.g. ANTHROPIC_UPSTREAM_URL), not ANTHROPIC_BASE_URL.`;
}

/**
 * The problems `serve` would refuse the plan for on its configured host and port, placed in the rule file
 * (port 0, a free port, cannot loop).
 */
export function listenIssues(plan: Plan, loaded: LoadedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const unsafe = unsafeBinding(plan, plan.server.host);
  if (unsafe) issues.push(loaded.issueAt(loaded.config.server?.host !== undefined ? ['server', 'host'] : [], unsafe));
  const loop = plan.server.port === 0 ? undefined : selfLoop(plan, plan.server.port);
  if (loop) issues.push(loaded.issueAt(['upstreams', loop, 'url'], selfLoopMessage(loop, plan.server.port)));
  return issues;
}
