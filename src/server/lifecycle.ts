/** Process signals: SIGTERM/SIGINT drain and exit; SIGHUP or a change of the rule file reloads it. */
import { ConfigError, formatIssue, GatewayError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { sendError } from './local-reply.js';
import { watchConfig } from '../config/watch.js';
import { buildPlan, runtimeFor } from './runtime.js';
import type { RunningGateway } from './start.js';

/** Warns about settings a reload cannot change on a running gateway. */
function warnRestartOnly(running: RunningGateway, plan: Plan): void {
  const gw = running.gateway;
  if (plan.state.store !== gw.plan.state.store || plan.state.url !== gw.plan.state.url) gw.log.warn('state store changes take effect after a restart');
  for (const key of ['host', 'port'] as const) {
    const [was, now] = [gw.plan.server[key], plan.server[key]];
    if (was !== now) gw.log.warn(`server.${key} changed from ${was} to ${now}: it takes effect after a restart; still listening on ${running.url}`);
  }
}

/**
 * Reloads the rule file: builds the new plan and everything derived from it (recorder with its prices and
 * client label, agents) beside the running one, checks it where the gateway listens (safe binding, no
 * self-loop), and swaps them in together only when all of that succeeded.
 */
export function reload(running: RunningGateway, configPath: string): boolean {
  const gw = running.gateway;
  try {
    const plan = buildPlan(configPath, gw.services.env, gw.log);
    const addr = running.server.address();
    const at = addr && typeof addr === 'object' ? { host: addr.address, port: addr.port } : { host: gw.plan.server.host };
    const { recorder: _old, ...lasting } = gw.services;
    const next = runtimeFor(plan, at, gw.metrics, lasting);
    warnRestartOnly(running, plan);
    gw.swap(next);
    gw.lastReload = { at: new Date().toISOString(), ok: true };
    next.services.recorder.configReload('success');
    gw.log.info('configuration reloaded', { digest: plan.digest, routes: plan.routes.length });
    return true;
  } catch (err) {
    gw.services.recorder.configReload('failure');
    const detail = err instanceof ConfigError ? err.issues.map(formatIssue).join('; ') : (err as Error).message;
    gw.lastReload = { at: new Date().toISOString(), ok: false, error: detail };
    gw.log.error('configuration reload failed; the previous configuration keeps serving', { error: detail });
    return false;
  }
}

/**
 * Drains: new API requests get 503 and /healthz answers 503 "draining" while the listener stays open for
 * health checks; in-flight requests may finish until the grace period ends. Then streams still running get
 * an SSE error event, requests still waiting get a 503 error, and the server closes. Resolves when closed.
 */
export async function drain(running: RunningGateway): Promise<void> {
  const gw = running.gateway;
  gw.draining = true;
  running.server.closeIdleConnections();
  const deadline = Date.now() + gw.plan.server.shutdownGraceMs;
  while (gw.inflight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const closed: Promise<unknown>[] = [];
  for (const [res, ctx] of gw.inflight) {
    if (!res.destroyed) closed.push(new Promise((r) => res.once('close', r)));
    if (ctx?.cutStream) {
      ctx.cutStream(new GatewayError('shutting_down', 'the gateway is shutting down'));
      continue;
    }
    if (!res.headersSent) sendError(res, new GatewayError('shutting_down', 'the gateway is shutting down; retry shortly'), 'shutdown');
    else res.destroy();
  }
  // Let the error events reach the clients before the sockets are closed.
  await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000).unref())]);
  await running.close();
}

/** Wires SIGTERM, SIGINT and SIGHUP for `mmexec serve`. */
export function installSignals(running: RunningGateway, configPath: string): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    running.gateway.log.info(`received ${signal}; draining`, { inflight: running.gateway.inflight.size });
    void drain(running).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const reloadNow = (): readonly string[] => (reload(running, configPath), running.gateway.plan.files);
  const watcher = watchConfig(running.gateway.plan.files, reloadNow, { onError: (err) => running.gateway.log.warn('cannot watch the config file; reload with SIGHUP', { error: err.message }) });
  running.server.once('close', () => watcher.close());
  process.on('SIGHUP', () => watcher.update(reloadNow()));
}
