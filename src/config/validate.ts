/** Checks a parsed rule file against the JSON Schema and turns ajv's errors into positioned issues. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConfigIssue } from '../errors.js';
import { formatPath, type DocPath, type YamlSource } from './source.js';

/** Location of the bundled JSON Schemas. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

let validators: { main: ValidateFunction; rules: ValidateFunction } | undefined;

function load(): { main: ValidateFunction; rules: ValidateFunction } {
  if (validators) return validators;
  const schema = JSON.parse(readFileSync(`${SCHEMA_DIR}mmexec.schema.json`, 'utf8')) as { $id: string };
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  ajv.addSchema(schema);
  validators = {
    main: ajv.getSchema(schema.$id)!,
    rules: ajv.compile({ $ref: `${schema.$id}#/definitions/rule_file` }),
  };
  return validators;
}

/** Validates a main rule file (`kind: main`) or an included rule file (`kind: rules`). */
export function validateSource(src: YamlSource, kind: 'main' | 'rules'): ConfigIssue[] {
  const validate = load()[kind];
  if (validate(src.value)) return [];
  return describeErrors(validate.errors ?? [], src);
}

function pathOf(instancePath: string): Array<string | number> {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describeErrors(errors: ErrorObject[], src: YamlSource): ConfigIssue[] {
  const issues = new Map<string, ConfigIssue>();
  const add = (path: DocPath, message: string, atKey = false): void => {
    const key = `${formatPath(path)}|${message}`;
    if (!issues.has(key)) issues.set(key, { file: src.file, ...src.locate(path, { key: atKey }), path: formatPath(path), message });
  };
  const deepest = pickRelevant(errors);
  for (const e of deepest) {
    const path = pathOf(e.instancePath);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
        const hint = allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
        add([...path, String(p.additionalProperty)], `unknown key "${String(p.additionalProperty)}"${hint}`, true);
        break;
      }
      case 'required':
        add(path, `missing required key "${String(p.missingProperty)}"`);
        break;
      case 'enum':
        add(path, `expected one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
        break;
      case 'const':
        add(path, `expected ${JSON.stringify(p.allowedValue)}`);
        break;
      case 'type':
        add(path, `expected ${String(p.type).split(',').join(' or ')}`);
        break;
      case 'pattern':
        add(path, patternMessage(String(p.pattern)));
        break;
      case 'propertyNames':
        add(path, `invalid name "${String(p.propertyName)}" (lower-case letters, digits, - and _, starting with a letter)`);
        break;
      case 'oneOf':
        add(path, oneOfMessage(e));
        break;
      default:
        add(path, e.message ?? 'invalid value');
    }
  }
  return [...issues.values()];
}

/**
 * `if` errors only say "must match then" (the branch's own errors explain), and a oneOf's failed branches
 * are summarised by the oneOf message.
 */
function pickRelevant(errors: ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => e.keyword !== 'if' && !oneOfs.some((p) => e.schemaPath.startsWith(p)));
}

/** Every oneOf in the schema chooses between required keys. */
function oneOfMessage(e: ErrorObject): string {
  const branches = (e.schema as Array<{ required?: string[] }>) ?? [];
  return `needs exactly one of: ${branches.map((b) => b.required?.[0]).join(', ')}`;
}

function patternMessage(pattern: string): string {
  if (pattern.includes('ms|s|m|h|d')) return 'expected a duration such as 30s, 5m or 7d';
  if (pattern.includes('b|kb|mb')) return 'expected a size such as 512kb or 32mb';
  if (pattern.includes('0-9a-f]{64}')) return 'expected 64 lower-case hex characters (a SHA-256)';
  return `expected text matching /${pattern}/`;
}
