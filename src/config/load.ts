/** Loads a rule file and the rule files it includes: parse, expand environment, validate. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { formatPath, readYamlSource, type DocPath, type YamlSource } from './source.js';
import type { Config, ModelConfig, RouteConfig } from './types.js';
import { validateSource } from './validate.js';

/** A validated configuration, with a way to point at any value's place in its file. */
export interface LoadedConfig {
  config: Config;
  /** The main file and every included file, absolute. */
  files: string[];
  /** SHA-256 (16 hex digits) of the text of every file, for /healthz and reload logs. */
  digest: string;
  /** Directory of the main file (relative paths in the config resolve against it). */
  baseDir: string;
  /** Builds an issue at `path` of the merged config (routes and models of included files point into their file). */
  issueAt(path: DocPath, message: string): ConfigIssue;
}

/** Options for loading. */
export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** The file's text, when it is not to be read from disk (tests, stdin). */
  text?: string;
}

/** The package's own directory, where the rule files shipped with mmexec (`rules/...`) live. */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Where an include was found, or every place looked at when it was not. */
export type IncludeLookup = { found: string } | { found: undefined; tried: string[] };

/**
 * Finds an included rule file: beside the including file first, then, for a relative `rules/...` path, among
 * the rule files shipped with the package (so a copy of the bundled mmexec.yaml works wherever it is put).
 */
export function findInclude(include: string, baseDir: string, packageDir: string = PACKAGE_DIR): IncludeLookup {
  const beside = resolve(baseDir, include);
  if (existsSync(beside)) return { found: beside };
  const rel = normalize(include);
  if (isAbsolute(rel) || !rel.startsWith(`rules${sep}`)) return { found: undefined, tried: [beside] };
  const bundled = resolve(packageDir, rel);
  if (bundled !== beside && existsSync(bundled)) return { found: bundled };
  return { found: undefined, tried: bundled === beside ? [beside] : [beside, bundled] };
}

/** Loads, expands and validates; throws ConfigError listing every issue found. */
export function loadConfig(file: string, opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const abs = resolve(file);
  const baseDir = dirname(abs);
  const display = (f: string): string => relative(process.cwd(), f) || f;
  const main = readYamlSource(abs, display(abs), env, opts.text);
  const issues: ConfigIssue[] = [...main.issues];
  if (issues.length === 0) issues.push(...validateSource(main, 'main'));
  if (issues.length > 0) throw new ConfigError(issues);

  const raw = main.value as Omit<Config, 'routes'> & { routes: Array<RouteConfig | { include: string }> };
  const files = [abs];
  const digest = createHash('sha256').update(main.text);
  const routes: RouteConfig[] = [];
  const models: ModelConfig[] = [];
  const origins: Record<'routes' | 'models', Array<{ src: YamlSource; path: DocPath }>> = { routes: [], models: [] };
  const addModels = (list: ModelConfig[] | undefined, src: YamlSource): void =>
    list?.forEach((m, j) => {
      models.push(m);
      origins.models.push({ src, path: ['models', j] });
    });
  addModels(raw.models, main);
  raw.routes.forEach((item, i) => {
    if (!('include' in item)) {
      routes.push(item);
      origins.routes.push({ src: main, path: ['routes', i] });
      return;
    }
    const lookup = findInclude(item.include, baseDir);
    if (lookup.found === undefined) {
      const [beside, bundled] = lookup.tried;
      const message = `included file not found: ${beside}${bundled ? ` (nor among the rule files shipped with mmexec: ${bundled})` : ''}`;
      issues.push({ file: main.file, ...main.locate(['routes', i, 'include']), path: formatPath(['routes', i, 'include']), message });
      return;
    }
    const target = lookup.found;
    const inc = readYamlSource(target, display(target), env);
    const incIssues = inc.issues.length > 0 ? inc.issues : validateSource(inc, 'rules');
    issues.push(...incIssues);
    if (incIssues.length > 0) return;
    files.push(target);
    digest.update(inc.text);
    const incValue = inc.value as { routes: RouteConfig[]; models?: ModelConfig[] };
    incValue.routes.forEach((r, j) => {
      routes.push(r);
      origins.routes.push({ src: inc, path: ['routes', j] });
    });
    addModels(incValue.models, inc);
  });
  if (issues.length > 0) throw new ConfigError(issues);

  const issueAt = (path: DocPath, message: string): ConfigIssue => {
    let src = main;
    let local: DocPath = path;
    const o = (path[0] === 'routes' || path[0] === 'models') && typeof path[1] === 'number' ? origins[path[0]][path[1]] : undefined;
    if (o) {
      src = o.src;
      local = [...o.path, ...path.slice(2)];
    }
    return { file: src.file, ...src.locate(local), path: formatPath(local), message };
  };
  return { config: { ...raw, routes, models }, files, digest: digest.digest('hex').slice(0, 16), baseDir, issueAt };
}
