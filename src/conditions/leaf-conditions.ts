/** The leaf conditions of `when`: each compiles its parameters once into a test on the request context. */
import type { ConditionConfig, StickyScope } from '../config/types.js';
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import { compileGlob } from '../match/glob.js';
import { compileRegex, compileTextMatch, MAX_MODEL_NAME } from '../match/text-match.js';
import type { Condition, TraceLine } from '../plan/types.js';
import { wordsOf } from '../pipeline/user-text.js';
import { compileClaudeCodeCondition } from './claude-code-condition.js';

/** Compiles the parameters of one condition key. Returns undefined after recording an error. */
export type LeafCompiler = (params: unknown, cc: CompileContext, path: DocPath, negated: boolean) => Condition | undefined;

const NO_SCOPES: ReadonlySet<StickyScope> = new Set();

/** Builds a synchronous condition that writes one trace line. */
type Ctx = Parameters<Condition['test']>[0];

/**
 * Builds a synchronous condition. `detail` says what was seen, for explanations only: it runs when a trace
 * is asked for, never on the request path.
 */
function leaf(describe: string, test: (ctx: Ctx) => boolean, detail?: (ctx: Ctx) => string, scopes = NO_SCOPES): Condition {
  return {
    describe,
    scopes,
    test(ctx, trace?: TraceLine[], depth = 0) {
      const ok = test(ctx);
      if (trace) trace.push({ depth, text: detail ? `${describe} (${detail(ctx)})` : describe, result: ok });
      return ok;
    },
  };
}

function quote(s: string | undefined, max = 60): string {
  if (s === undefined) return 'none';
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

const lastUserText: LeafCompiler = (params, cc, path, negated) => {
  const cfg = params as NonNullable<ConditionConfig['last_user_text']>;
  const match = compileTextMatch(cfg);
  if (typeof match === 'string') return void cc.error([...path, 'regex'], match);
  const what = cfg.equals !== undefined ? `equals ${quote(cfg.equals)}` : cfg.prefix !== undefined ? `starts with ${quote(cfg.prefix)}` : `matches /${cfg.regex}/`;
  return leaf(
    `last user text ${what}`,
    (ctx) => {
      const at = ctx.lastUserText();
      const span = at ? match(wordsOf(at)) : undefined;
      if (span && at && !negated) ctx.trigger = { at, start: at.start + span.start, end: at.start + span.end };
      return span !== undefined;
    },
    (ctx) => {
      const at = ctx.lastUserText();
      return `text ${quote(at && wordsOf(at))}`;
    },
  );
};

const pathCondition: LeafCompiler = (params, cc, path) => {
  const cfg = typeof params === 'string' ? { equals: params } : (params as { equals?: string; prefix?: string; regex?: string });
  const match = compileTextMatch(cfg);
  if (typeof match === 'string') return void cc.error([...path, 'regex'], match);
  return leaf(`path ${cfg.equals ?? cfg.prefix ?? `/${cfg.regex}/`}`, (ctx) => match(ctx.path) !== undefined, (ctx) => ctx.path);
};

const method: LeafCompiler = (params) => {
  const list = (Array.isArray(params) ? params : [params]).map((m: string) => m.toUpperCase());
  const set = new Set(list);
  return leaf(`method ${list.join('|')}`, (ctx) => set.has(ctx.method), (ctx) => ctx.method);
};

const header: LeafCompiler = (params, cc, path) => {
  const cfg = params as NonNullable<ConditionConfig['header']>;
  const name = cfg.name.toLowerCase();
  const hasValueTest = cfg.equals !== undefined || cfg.prefix !== undefined || cfg.regex !== undefined;
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
};

const model: LeafCompiler = (params, cc, path) => {
  const cfg = typeof params === 'string' ? { glob: params } : (params as { glob?: string; regex?: string });
  const re = cfg.glob !== undefined ? compileGlob(cfg.glob) : compileRegex(cfg.regex ?? '');
  if (typeof re === 'string') return void cc.error([...path, 'regex'], re);
  return leaf(
    `model ${cfg.glob ?? `/${cfg.regex}/`}`,
    (ctx) => {
      const m = ctx.requestedModel;
      return m !== undefined && m.length <= MAX_MODEL_NAME && re.test(m);
    },
    (ctx) => quote(ctx.requestedModel),
  );
};

const stream: LeafCompiler = (params) =>
  leaf(`stream is ${String(params)}`, (ctx) => (ctx.field('stream') === true) === params);

const sticky: LeafCompiler = (params) => {
  const cfg = typeof params === 'object' && params !== null ? (params as { scope?: StickyScope; equals?: string; set?: boolean }) : typeof params === 'string' ? { equals: params } : { set: params as boolean };
  const scope = cfg.scope ?? 'session';
  const describe = cfg.equals !== undefined ? `sticky(${scope}) is ${quote(cfg.equals)}` : `sticky(${scope}) is ${cfg.set === false ? 'unset' : 'set'}`;
  return leaf(
    describe,
    (ctx) => {
      const value = ctx.sticky[scope];
      return cfg.equals !== undefined ? value === cfg.equals : (value !== undefined) === (cfg.set ?? true);
    },
    (ctx) => `state ${quote(ctx.sticky[scope])}`,
    new Set([scope]),
  );
};

/** Leaf condition compilers by key. */
export const LEAF_CONDITIONS: Readonly<Record<string, LeafCompiler>> = {
  last_user_text: lastUserText,
  path: pathCondition,
  method,
  header,
  model,
  stream,
  sticky,
  claude_code: compileClaudeCodeCondition,
};
