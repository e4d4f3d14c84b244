/** Compiles a validated configuration into a frozen plan. Anything that can fail fails here, with a position. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileCondition } from '../conditions/compile-condition.js';
import { parseDuration, parseSize } from '../config/duration.js';
import type { LoadedConfig } from '../config/load.js';
import type { RouteConfig, StickyScope } from '../config/types.js';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { compilePrices } from '../metrics/prices.js';
import { compileTransforms } from '../transforms/registry.js';
import { stripTrigger } from '../transforms/simple-request.js';
import { CompileContext } from './compile-context.js';
import { compileClients } from './compile-clients.js';
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
  const upstreams = new Map<string, CompiledUpstream>();
  for (const [name, u] of Object.entries(cfg.upstreams)) {
    const compiled = compileUpstream(name, u, cc, env);
    if (compiled) upstreams.set(name, compiled);
  }
  const known = Object.keys(cfg.upstreams);
  const checkUpstream = (name: string | undefined, path: Array<string | number>): void => {
    if (name !== undefined && !known.includes(name)) cc.error(path, `unknown upstream "${name}" (known: ${known.join(', ')})`);
  };
  for (const [name, u] of Object.entries(cfg.upstreams)) {
    checkUpstream(u.fallback, ['upstreams', name, 'fallback']);
    if (u.fallback === name) cc.error(['upstreams', name, 'fallback'], 'an upstream cannot be its own fallback');
  }
  const names = new Map<string, number>();
  const routes = cfg.routes.map((r, i) => {
    const seen = names.get(r.name);
    if (seen !== undefined) cc.error(['routes', i, 'name'], `duplicate route name "${r.name}" (also route ${seen})`);
    names.set(r.name, i);
    checkUpstream(r.upstream, ['routes', i, 'upstream']);
    return compileRoute(r, i, cc, upstreams);
  });
  const clients = compileClients(cfg.clients, cc, known);
  if (cc.issues.length > 0) throw new ConfigError(cc.issues);

  const scopes = new Set<StickyScope>();
  for (const r of routes) for (const s of r.when.scopes) scopes.add(s);
  const server = cfg.server ?? {};
  const port = Number(server.port ?? 9099);
  const state = cfg.state ?? {};
  const plan: Plan = {
    digest: loaded.digest,
    files: loaded.files,
    server: {
      host: server.host ?? '127.0.0.1',
      port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 9099,
      bodyLimit: parseSize(server.body_limit ?? '32mb'),
      bodyTimeoutMs: parseDuration(server.body_timeout ?? '30s'),
      allowUnauthenticated: server.allow_unauthenticated ?? false,
      metricsToken: server.metrics_token || undefined,
      shutdownGraceMs: parseDuration(server.shutdown_grace ?? '30s'),
    },
    sessions: {
      sources: (cfg.sessions?.sources ?? [{ header: 'x-claude-code-session-id' }, { metadata_user_id: 'session_id' }]).map(
        (s): SessionSource => (s.header ? { kind: 'header', name: s.header.toLowerCase() } : { kind: 'metadata', key: s.metadata_user_id! }),
      ),
      fallback: cfg.sessions?.fallback ?? 'global',
    },
    state: {
      store: state.store ?? 'file',
      dir: expandHome(state.dir ?? env.MMEXEC_HOME ?? join(homedir(), '.claude', 'mmexec'), loaded.baseDir),
      url: state.url,
      keyPrefix: state.key_prefix ?? 'mmexec:',
      onError: state.on_error ?? 'fail_open',
      stickyTtlSeconds: parseDuration(state.sticky_ttl ?? '7d') / 1000,
      thinkingTtlSeconds: parseDuration(state.thinking_ttl ?? '30d') / 1000,
    },
    upstreams,
    routes,
    stickyScopes: [...scopes],
    prices: compilePrices(cfg.prices),
    clients,
  };
  if (!Number.isInteger(port) || port < 0 || port >= 65536) cc.warn(['server', 'port'], `invalid port "${String(server.port)}", using 9099`);
  return { plan: deepFreeze(plan), warnings: cc.warnings };
}

function compileRoute(r: RouteConfig, index: number, cc: CompileContext, upstreams: Map<string, CompiledUpstream>): CompiledRoute {
  const path = ['routes', index];
  const requestStages = compileTransforms(r.request, 'request', cc, [...path, 'request']);
  if (r.strip_trigger) {
    if (!JSON.stringify(r.when ?? {}).includes('"last_user_text"')) cc.error([...path, 'strip_trigger'], 'strip_trigger needs a last_user_text condition in when');
    requestStages.unshift(stripTrigger.compile(undefined, cc, path)!);
  }
  const reply = r.reply && {
    status: r.reply.status ?? (r.reply.as === 'error' ? 400 : 200),
    as: r.reply.as ?? 'text',
    errorType: r.reply.error_type ?? 'invalid_request_error',
    texts: Array.isArray(r.reply.text) ? r.reply.text : [r.reply.text],
  };
  return {
    name: r.name,
    index,
    when: compileCondition(r.when, cc, [...path, 'when']),
    upstream: r.upstream ? upstreams.get(r.upstream) : undefined,
    stripTrigger: r.strip_trigger ?? false,
    sticky: r.sticky && { op: r.sticky.clear ? 'clear' : 'set', value: r.sticky.set, scope: r.sticky.scope ?? 'session' },
    requestStages,
    responseStages: compileTransforms(r.response, 'response', cc, [...path, 'response']),
    reply,
  };
}

function expandHome(dir: string, base: string): string {
  if (dir === '~' || dir.startsWith('~/')) return join(homedir(), dir.slice(1));
  return resolve(base, dir);
}


/** Freezes plain objects and arrays; class instances (agents, regexes, maps) are left alone. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
