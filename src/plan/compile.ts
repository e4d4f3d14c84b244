/** Compiles a validated configuration into a frozen plan. Anything that can fail fails here, with a position. */
import { compileCondition } from '../conditions/compile-condition.js';
import { parseDuration, parseSize } from '../config/duration.js';
import type { LoadedConfig } from '../config/load.js';
import { parsePort } from '../config/port.js';
import type { Config, RouteConfig, StickyScope } from '../config/types.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { compilePrices } from '../metrics/prices.js';
import { compileModels } from '../models/declared-models.js';
import { compileTransforms } from '../transforms/registry.js';
import { stripTrigger } from '../transforms/simple-request.js';
import { CompileContext } from './compile-context.js';
import { compileClients } from './compile-clients.js';
import { compileState } from './compile-state.js';
import { compileUpstream } from './compile-upstream.js';
import type { CompiledRoute, CompiledUpstream, Plan, SessionSource } from './types.js';

/** The plan and the warnings found while compiling it. */
export interface CompileResult {
  plan: Plan;
  warnings: ConfigIssue[];
}

/** Compiles; throws ConfigError with every problem found. */
export function compilePlan(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): CompileResult {
  const cc = new CompileContext(loaded);
  const cfg = loaded.config;
  const upstreams = compileUpstreams(cfg, cc, env);
  const routes = compileRoutes(cfg, cc, upstreams);
  const clients = compileClients(cfg.clients, cc, Object.keys(cfg.upstreams));
  const listen = compileListen(cfg.server ?? {}, cc);
  const models = compileModels(cfg.models, cc);
  const state = compileState(cfg.state, cc, env, loaded.baseDir);
  cc.runEndChecks();
  if (cc.issues.length > 0) throw new ConfigError(cc.issues);
  const scopes = new Set<StickyScope>();
  for (const r of routes) for (const s of r.when.scopes) scopes.add(s);
  // A reply showing {{sticky}} reads its scope even when no condition does.
  for (const r of routes) if (r.reply?.texts.some((t) => STICKY_PLACEHOLDER.test(t))) scopes.add(r.reply.stickyScope);
  const plan: Plan = {
    digest: loaded.digest,
    files: loaded.files,
    server: planServer(cfg.server ?? {}, listen),
    sessions: planSessions(cfg),
    state,
    upstreams,
    routes,
    stickyScopes: [...scopes],
    prices: compilePrices(cfg.prices),
    clients,
    models,
  };
  return { plan: deepFreeze(plan), warnings: cc.warnings };
}

/** Records an error at `path` when `name` is set but names no upstream. */
function checkUpstream(cfg: Config, cc: CompileContext, name: string | undefined, path: Array<string | number>): void {
  const known = Object.keys(cfg.upstreams);
  if (name !== undefined && !known.includes(name)) cc.error(path, `unknown upstream "${name}" (known: ${known.join(', ')})`);
}

/** Every upstream, with its fallback and on_image references checked. */
function compileUpstreams(cfg: Config, cc: CompileContext, env: NodeJS.ProcessEnv): Map<string, CompiledUpstream> {
  const upstreams = new Map<string, CompiledUpstream>();
  for (const [name, u] of Object.entries(cfg.upstreams)) {
    const compiled = compileUpstream(name, u, cc, env);
    if (compiled) upstreams.set(name, compiled);
  }
  for (const [name, u] of Object.entries(cfg.upstreams)) {
    checkUpstream(cfg, cc, u.fallback, ['upstreams', name, 'fallback']);
    if (u.fallback === name) cc.error(['upstreams', name, 'fallback'], 'an upstream cannot be its own fallback');
    const onImage = typeof u.profile === 'object' ? u.profile.on_image : undefined;
    checkUpstream(cfg, cc, onImage, ['upstreams', name, 'profile', 'on_image']);
    if (onImage === name) cc.error(['upstreams', name, 'profile', 'on_image'], 'on_image must name another upstream');
  }
  return upstreams;
}

/** The routes in order, with duplicate names and unknown upstreams reported. */
function compileRoutes(cfg: Config, cc: CompileContext, upstreams: Map<string, CompiledUpstream>): CompiledRoute[] {
  const names = new Map<string, number>();
  return cfg.routes.map((r, i) => {
    const seen = names.get(r.name);
    if (seen !== undefined) cc.error(['routes', i, 'name'], `duplicate route name "${r.name}" (also route ${seen})`);
    names.set(r.name, i);
    checkUpstream(cfg, cc, r.upstream, ['routes', i, 'upstream']);
    return compileRoute(r, i, cc, upstreams);
  });
}

/** The server settings of the plan, defaults filled in. */
function planServer(server: NonNullable<Config['server']>, listen: { host: string; port: number }): Plan['server'] {
  return {
    host: listen.host,
    port: listen.port,
    bodyLimit: parseSize(server.body_limit ?? '32mb'),
    bodyTimeoutMs: parseDuration(server.body_timeout ?? '30s'),
    allowUnauthenticated: server.allow_unauthenticated ?? false,
    metricsToken: server.metrics_token || undefined,
    shutdownGraceMs: parseDuration(server.shutdown_grace ?? '30s'),
  };
}

/** Where session ids come from (Claude Code's header, then metadata.user_id), and the fallback without one. */
function planSessions(cfg: Config): Plan['sessions'] {
  return {
    sources: (cfg.sessions?.sources ?? [{ header: 'x-claude-code-session-id' }, { metadata_user_id: 'session_id' }]).map(
      (s): SessionSource => (s.header ? { kind: 'header', name: s.header.toLowerCase() } : { kind: 'metadata', key: s.metadata_user_id! }),
    ),
    fallback: cfg.sessions?.fallback ?? 'global',
  };
}

function compileRoute(r: RouteConfig, index: number, cc: CompileContext, upstreams: Map<string, CompiledUpstream>): CompiledRoute {
  const path = ['routes', index];
  const requestStages = compileTransforms(r.request, 'request', cc, [...path, 'request']);
  if (r.strip_trigger) {
    if (!JSON.stringify(r.when ?? {}).includes('"last_user_text"')) cc.error([...path, 'strip_trigger'], 'strip_trigger needs a last_user_text condition in when');
    requestStages.unshift(stripTrigger.compile(undefined, cc, path)!);
  }
  const when = compileCondition(r.when, cc, [...path, 'when']);
  const reply = r.reply && {
    status: r.reply.status ?? (r.reply.as === 'error' ? 400 : 200),
    as: r.reply.as ?? 'text',
    errorType: r.reply.error_type ?? 'invalid_request_error',
    texts: Array.isArray(r.reply.text) ? r.reply.text : [r.reply.text],
    stickyScope: replyScope(r, when.scopes),
  };
  return {
    name: r.name,
    index,
    when,
    upstream: r.upstream ? upstreams.get(r.upstream) : undefined,
    stripTrigger: r.strip_trigger ?? false,
    sticky: r.sticky && { op: r.sticky.clear ? 'clear' : 'set', value: r.sticky.set, scope: r.sticky.scope ?? 'session' },
    requestStages,
    responseStages: compileTransforms(r.response, 'response', cc, [...path, 'response']),
    reply,
  };
}

const STICKY_PLACEHOLDER = /\{\{\s*sticky\s*\}\}/;

/** The scope a route is about: that of its sticky action, else the one its condition reads (session first). */
function replyScope(r: RouteConfig, read: ReadonlySet<StickyScope>): StickyScope {
  if (r.sticky) return r.sticky.scope ?? 'session';
  if (read.has('session') || read.size === 0) return 'session';
  return read.has('client') ? 'client' : 'global';
}

/** The listening host and port; an empty host or a port that is not an integer 0–65535 is an error. */
function compileListen(server: NonNullable<Config['server']>, cc: CompileContext): { host: string; port: number } {
  const host = (server.host ?? '127.0.0.1').trim();
  if (host === '') cc.error(['server', 'host'], 'empty host: give an address such as 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces)');
  const port = parsePort(server.port ?? 9099);
  if (port === undefined) cc.error(['server', 'port'], `invalid port "${String(server.port)}": expected an integer from 0 to 65535`);
  return { host, port: port ?? 0 };
}

/** Freezes plain objects and arrays; class instances (agents, regexes, maps) are left alone. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
