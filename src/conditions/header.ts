/** The `header` condition: a request header is present or absent, or its value matches. */
import type { ConditionConfig } from '../config/types.js';
import { compileTextMatch } from '../match/text-match.js';
import type { ConditionDefinition } from './condition.js';
import { leaf } from './leaf.js';

type HeaderConfig = NonNullable<ConditionConfig['header']>;

/** `header: { name, equals | prefix | regex | present, ignore_case }`. */
export const header: ConditionDefinition = {
  name: 'header',
  description: 'A request header (`name`, case-insensitive) is present, absent (`present: false`), or its value matches one of `equals` / `prefix` / `regex` (with `ignore_case`).',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    description: 'A request header. With only name, the header must be present. Give at most one of equals, prefix, regex and present.',
    properties: {
      name: { type: 'string', description: 'Header name (case-insensitive).' },
      equals: { type: 'string', description: 'The value equals this string.' },
      prefix: { type: 'string', description: 'The value starts with this string.' },
      regex: { type: 'string', description: 'A JavaScript regular expression (no slashes) tested against the value, on a linear-time engine.' },
      present: { type: 'boolean', description: 'true: the header is present; false: it is absent.' },
      ignore_case: { type: 'boolean', description: 'Compare the value case-insensitively.' },
    },
    examples: [{ name: 'x-team', equals: 'red' }, { name: 'x-flag', present: false }],
  },
  compile(params, cc, path) {
    const cfg = params as HeaderConfig;
    const name = cfg.name.toLowerCase();
    // Several value tests used to be read as the first one alone, silently: say so instead.
    const given = (['equals', 'prefix', 'regex', 'present'] as const).filter((k) => cfg[k] !== undefined);
    if (given.length > 1) return void cc.error(path, `header takes one of equals, prefix, regex or present, not ${given.join(' and ')}`);
    const hasValueTest = given.length === 1 && given[0] !== 'present';
    const match = hasValueTest ? compileTextMatch({ equals: cfg.equals, prefix: cfg.prefix, regex: cfg.regex, ignore_case: cfg.ignore_case }) : undefined;
    if (typeof match === 'string') return void cc.error([...path, 'regex'], match);
    const wantPresent = cfg.present ?? true;
    return leaf(
      `header ${name}`,
      (ctx) => {
        const raw = ctx.headers[name];
        const value = Array.isArray(raw) ? raw.join(', ') : raw;
        if (!match) return (value !== undefined) === wantPresent;
        return value !== undefined && match(value) !== undefined;
      },
      (ctx) => (ctx.headers[name] === undefined ? 'absent' : 'present'),
    );
  },
};
