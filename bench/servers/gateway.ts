/**
 * Launching the mmexec gateway under test: built JS when dist/cli/main.js exists, else the TypeScript source
 * through tsx; plus the route-padded config for the 1-route versus 200-route comparison.
 */
import { existsSync, readFileSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

/** How the gateway will be run. */
export interface GatewayEntry {
  /** Node arguments before `serve --config <file>`. */
  nodeArgs: string[];
  /** Human-readable description for the report. */
  description: string;
  /** A warning when the built JS is older than the sources. */
  staleWarning?: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The gateway entry point, or undefined when neither the build nor the sources (with mmexec.yaml) exist. */
export function gatewayEntry(root: string): GatewayEntry | undefined {
  if (!existsSync(join(root, 'mmexec.yaml'))) return undefined;
  const built = join(root, 'dist/cli/main.js');
  if (existsSync(built)) {
    const stale = existsSync(join(root, 'src')) && newestMtime(join(root, 'src')) > statSync(built).mtimeMs;
    return {
      nodeArgs: [built],
      description: 'node dist/cli/main.js (built)',
      ...(stale ? { staleWarning: 'dist/ is older than src/: run `npm run build` to bench the current code' } : {}),
    };
  }
  if (existsSync(join(root, 'src/cli/main.ts'))) {
    return { nodeArgs: ['--import', 'tsx', join(root, 'src/cli/main.ts')], description: 'node --import tsx src/cli/main.ts (no build found: the tsx loader adds ~35 MB RSS and start-up work; `npm run build` to bench the built JS)' };
  }
  return undefined;
}

/** Environment of the gateway child: upstream URLs pointing at the fake upstream, a temp state directory. */
export function gatewayEnv(port: number, upstreamUrl: string, home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    ANTHROPIC_UPSTREAM_URL: upstreamUrl,
    MINIMAX_BASE_URL: `${upstreamUrl}/anthropic`,
    MINIMAX_API_KEY: 'bench-minimax-key-0000',
    MMEXEC_HOME: home,
    NODE_ENV: 'production',
  };
}

/** One never-matching route; conditions rotate so each kind of matcher is exercised. */
function neverRoute(index: number, upstream: string): Record<string, unknown> {
  const kinds = [
    { last_user_text: { prefix: `zz-bench-never-${index} ` } },
    { header: { name: `x-bench-never-${index}`, present: true } },
    { model: { glob: `bench-never-${index}-*` } },
    { all: [{ path: `/bench/never/${index}` }, { method: 'POST' }] },
  ];
  return { name: `bench-never-${index}`, when: kinds[index % kinds.length], upstream };
}

/** Route counts of a generated config. */
export interface RouteLayout {
  /** Never-matching routes placed first. */
  padding: number;
  /** Keep only the last (catch-all) route of the bundled rules instead of all of them. */
  catchAllOnly: boolean;
}

function loadRoutes(configPath: string): { doc: ReturnType<typeof parseDocument>; routes: unknown[] } {
  const doc = parseDocument(readFileSync(configPath, 'utf8'));
  const config = doc.toJS() as { routes?: unknown[] };
  const base = dirname(configPath);
  const routes: unknown[] = [];
  for (const item of Array.isArray(config.routes) ? config.routes : []) {
    const include = (item as { include?: unknown }).include;
    if (typeof include !== 'string') {
      routes.push(item);
      continue;
    }
    const included = parseDocument(readFileSync(resolve(base, include), 'utf8')).toJS() as { routes?: unknown[] };
    routes.push(...(Array.isArray(included.routes) ? included.routes : []));
  }
  return { doc, routes };
}

/**
 * Writes a copy of `configPath` to `outPath` with its routes (includes inlined) rearranged by `layout`:
 * `padding` never-matching routes first, then all bundled routes or only the final catch-all. Returns the
 * route count.
 */
export function writeRouteConfig(configPath: string, outPath: string, layout: RouteLayout): number {
  const { doc, routes } = loadRoutes(configPath);
  const kept = layout.catchAllOnly ? routes.slice(-1) : routes;
  const last = kept[kept.length - 1] as { upstream?: string } | undefined;
  const upstream = last?.upstream;
  if (!upstream) throw new Error(`${configPath}: the last route has no upstream`);
  const padding = Array.from({ length: layout.padding }, (_, i) => neverRoute(i, upstream));
  doc.set('routes', doc.createNode([...padding, ...kept]));
  writeFileSync(outPath, doc.toString());
  return padding.length + kept.length;
}
