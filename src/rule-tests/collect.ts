/**
 * Finds rule tests and the configuration to run them against: tests live in a rule file's `tests:` key or in
 * a sibling `<name>.test.yaml`; a rule file is run with the routes of the main configuration that includes
 * it, or alone (with the main configuration's upstreams, and stubs for upstreams it names that are missing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { stringify } from 'yaml';
import { loadConfig } from '../config/load.js';
import { readYamlSource } from '../config/source.js';
import type { RuleTestConfig } from '../config/types.js';
import { SCHEMA_DIR } from '../config/validate.js';
import { ConfigError, type ConfigIssue } from '../errors.js';

/** The tests of one file. */
export interface TestSuite {
  /** The file as shown to the user. */
  file: string;
  /** Directory that request files resolve against. */
  baseDir: string;
  tests: RuleTestConfig[];
  /** `file:line:col` of test `i`. */
  where(i: number): string;
}

/** Suites and the configuration (path, or text anchored at that path) whose plan runs them. */
export interface TestTarget {
  configPath: string;
  configText?: string;
  /** Upstreams added as stubs because the rule file names them and the configuration lacks them. */
  stubs: string[];
  suites: TestSuite[];
}

const display = (f: string): string => relative(process.cwd(), f) || f;
let testsValidator: ValidateFunction | undefined;

function validateTests(value: unknown): ValidateFunction {
  if (!testsValidator) {
    const schema = JSON.parse(readFileSync(`${SCHEMA_DIR}mmexec.schema.json`, 'utf8')) as { $id: string };
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(schema);
    testsValidator = ajv.compile({ $ref: `${schema.$id}#/definitions/test_file/properties/tests` });
  }
  testsValidator(value);
  return testsValidator;
}

/** Reads the tests of one file (none when it has no `tests:`); throws ConfigError when they are malformed. */
export function readSuite(file: string, env: NodeJS.ProcessEnv): TestSuite | undefined {
  const src = readYamlSource(resolve(file), display(resolve(file)), env);
  if (src.issues.length > 0) throw new ConfigError(src.issues);
  const tests = (src.value as { tests?: unknown } | null)?.tests;
  if (tests === undefined) return undefined;
  const v = validateTests(tests);
  if (v.errors?.length) {
    const issues: ConfigIssue[] = v.errors.map((e) => {
      const path = ['tests', ...e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s))];
      return { file: src.file, ...src.locate(path), path: e.instancePath, message: e.message ?? 'invalid test' };
    });
    throw new ConfigError(issues);
  }
  const where = (i: number): string => {
    const p = src.locate(['tests', i]);
    return `${src.file}:${p.line}:${p.column}`;
  };
  return { file: src.file, baseDir: dirname(resolve(file)), tests: tests as RuleTestConfig[], where };
}

/** The sibling test file of a rule file: `x.yaml` → `x.test.yaml`. */
export function siblingTestFile(ruleFile: string): string {
  return ruleFile.replace(/(\.ya?ml)$/, '.test$1');
}

/** The suites of a rule file: its own `tests:` and its sibling test file's. */
function suitesOf(ruleFile: string, env: NodeJS.ProcessEnv): TestSuite[] {
  const out: TestSuite[] = [];
  const own = readSuite(ruleFile, env);
  if (own) out.push(own);
  const sibling = siblingTestFile(ruleFile);
  if (sibling !== ruleFile && existsSync(sibling)) {
    const s = readSuite(sibling, env);
    if (s) out.push(s);
  }
  return out;
}

/** Every test of a main configuration and of the rule files it includes. */
export function targetForConfig(configPath: string, env: NodeJS.ProcessEnv): TestTarget {
  const loaded = loadConfig(configPath, { env });
  return { configPath, stubs: [], suites: loaded.files.flatMap((f) => suitesOf(f, env)) };
}

/** The target for a file given on the command line: a main configuration, a rule file or a test file. */
export function targetForFile(file: string, configPath: string, env: NodeJS.ProcessEnv): TestTarget {
  const abs = resolve(file);
  const isTestFile = /\.test\.ya?ml$/.test(abs);
  const ruleFile = isTestFile ? abs.replace(/\.test(\.ya?ml)$/, '$1') : abs;
  const suites = isTestFile ? [readSuite(abs, env)].filter((s): s is TestSuite => s !== undefined) : undefined;
  const ruleValue = existsSync(ruleFile) ? (readYamlSource(ruleFile, display(ruleFile), env).value as Record<string, unknown> | undefined) : undefined;
  if (ruleValue && 'upstreams' in ruleValue) {
    const t = targetForConfig(ruleFile, env);
    return suites ? { ...t, suites } : t;
  }
  if (!ruleValue) throw new Error(`${display(ruleFile)}: rule file not found for ${display(abs)}`);
  const ownSuites = suites ?? suitesOf(ruleFile, env);
  const loaded = loadConfig(configPath, { env });
  if (loaded.files.includes(ruleFile)) return { configPath, stubs: [], suites: ownSuites };
  return { ...standalone(configPath, ruleFile, ruleValue, env), suites: ownSuites };
}

/** A main configuration made of `configPath`'s settings and upstreams with only `ruleFile`'s routes. */
function standalone(configPath: string, ruleFile: string, ruleValue: Record<string, unknown>, env: NodeJS.ProcessEnv): Omit<TestTarget, 'suites'> {
  const main = readYamlSource(resolve(configPath), display(resolve(configPath)), env).value as Record<string, unknown>;
  const upstreams = { ...(main.upstreams as Record<string, unknown>) };
  const stubs: string[] = [];
  for (const r of (ruleValue.routes as Array<{ upstream?: unknown }> | undefined) ?? []) {
    if (typeof r.upstream === 'string' && !(r.upstream in upstreams)) {
      upstreams[r.upstream] = { url: 'http://127.0.0.1:9/', auth: 'passthrough' };
      stubs.push(r.upstream);
    }
  }
  const { tests: _tests, ...rest } = main;
  const text = stringify({ ...rest, upstreams, routes: [{ include: ruleFile }] });
  return { configPath, configText: text.replace(/\$\{/g, () => '$${'), stubs };
}
