/**
 * Where a plan may listen: an open gateway refuses a network address (a non-loopback listener needs client
 * keys), and no upstream may point back at the gateway itself.
 */
import { isIP } from 'node:net';
import type { LoadedConfig } from '../config/load.js';
import type { ConfigIssue } from '../errors.js';
import type { Plan } from '../plan/types.js';

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The reason a plan may not listen on `host`, or undefined when it may. */
export function unsafeBinding(plan: Plan, host: string): string | undefined {
  if (isLoopback(host) || plan.clients.length > 0 || plan.server.allowUnauthenticated) return undefined;
  return (
    `refusing to listen on ${host} without client keys: anyone who can reach it could spend through it. ` +
    'Add clients to the config, e.g.\n' +
    '  clients:\n' +
    '    - name: alice\n' +
    '      key: ${MMEXEC_KEY_ALICE}        # a long random secret, e.g. `openssl rand -hex 32`\n' +
    'and have each developer send it with ANTHROPIC_CUSTOM_HEADERS="x-mmexec-key: <key>"; ' +
    'or listen on 127.0.0.1, or set server.allow_unauthenticated: true if the network is trusted.'
  );
}

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
 * (port 0, a free port, cannot loop). `mmexec validate` reports them like any other config error.
 */
export function listenIssues(plan: Plan, loaded: LoadedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const unsafe = unsafeBinding(plan, plan.server.host);
  if (unsafe) issues.push(loaded.issueAt(loaded.config.server?.host !== undefined ? ['server', 'host'] : [], unsafe));
  const loop = plan.server.port === 0 ? undefined : selfLoop(plan, plan.server.port);
  if (loop) issues.push(loaded.issueAt(['upstreams', loop, 'url'], selfLoopMessage(loop, plan.server.port)));
  return issues;
}
