/** The `claude_code` condition: subagent or main, request class, agent type and child session, as Claude Code says. */
import type { ClaudeCodeConditionConfig } from '../config/types.js';
import type { DocPath } from '../config/source.js';
import type { CompileContext } from '../plan/compile-context.js';
import type { Condition, TraceLine } from '../plan/types.js';
import { claudeCodeSignals, REQUEST_CLASSES, type ClaudeCodeSignals, type Reading } from './claude-code-signals.js';
import type { ConditionDefinition } from './condition.js';

/** One key of the condition: what it wants, and the reading it tests. */
interface Check {
  /** What is read, e.g. `request class`. */
  label: string;
  /** What the rule wants, e.g. `auxiliary|compaction`. */
  want: string;
  /** `full`: read what an explanation shows, even when the verdict is already known. */
  read(s: ClaudeCodeSignals, full: boolean): Reading<unknown>;
  holds(value: unknown): boolean;
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);
const shown = (v: unknown): string => (v === undefined ? 'none' : JSON.stringify(v));

/** The checks of a config, cheapest first (header-only readings before those that may read the body). */
function checksOf(cfg: ClaudeCodeConditionConfig): Check[] {
  const checks: Check[] = [];
  if (cfg.agent_type !== undefined) {
    const want = new Set(list(cfg.agent_type).map((t) => t.toLowerCase()));
    checks.push({ label: 'agent type', want: list(cfg.agent_type).join('|'), read: (s) => s.agentType(), holds: (v) => typeof v === 'string' && want.has(v.toLowerCase()) });
  }
  if (cfg.request_class !== undefined) {
    const want = new Set<unknown>(list(cfg.request_class));
    const agentMatters = want.has('main') || want.has('subagent');
    checks.push({ label: 'request class', want: list(cfg.request_class).join('|'), read: (s, full) => s.requestClass(agentMatters || full), holds: (v) => want.has(v) });
  }
  if (cfg.subagent !== undefined) {
    const want = cfg.subagent;
    checks.push({ label: 'subagent', want: String(want), read: (s) => s.subagent(), holds: (v) => v === want });
  }
  if (cfg.child_session !== undefined) {
    const want = cfg.child_session;
    checks.push({ label: 'child session', want: String(want), read: (s) => s.parentSession(), holds: (v) => (v !== undefined) === want });
  }
  return checks;
}

/** Compiles `claude_code: { subagent, request_class, agent_type, child_session }`; the keys given combine with AND. */
function compileClaudeCode(params: unknown, cc: CompileContext, path: DocPath): Condition | undefined {
  const checks = checksOf(params as ClaudeCodeConditionConfig);
  if (checks.length === 0) return void cc.error(path, 'claude_code needs at least one of subagent, request_class, agent_type, child_session');
  const describe = `claude code ${checks.map((c) => `${c.label} ${c.want}`).join(', ')}`;
  return {
    describe,
    scopes: new Set(),
    test(ctx, trace?: TraceLine[], depth = 0) {
      const s = claudeCodeSignals(ctx);
      let ok = true;
      const seen: string[] = [];
      for (const c of checks) {
        const r = c.read(s, trace !== undefined);
        ok = c.holds(r.value);
        if (trace) seen.push(`${c.label} ${shown(r.value)} (${r.source})`);
        if (!ok) break;
      }
      if (trace) trace.push({ depth, text: `${describe} — saw ${seen.join(', ')}`, result: ok });
      return ok;
    },
  };
}

const PARAMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  description:
    "What Claude Code says about the request. Headers are read first; the body's metadata and system fields only when the headers leave the answer open. The keys given combine with AND.",
  properties: {
    subagent: {
      type: 'boolean',
      description:
        'true: a subagent (Agent tool, workflow) made the request: the x-claude-code-agent-id or x-claude-code-parent-agent-id header (every Claude Code release tested), request class subagent or workflow, or cc_is_subagent=true in the first system block (x-anthropic-billing-header). false: none of these.',
    },
    request_class: {
      description:
        'The request class (one, or a list of which any may hold): the x-claude-code-request-class header Claude Code sends with CLAUDE_CODE_GATEWAY_HINT_HEADERS=1. Without it the class is inferred: subagent for a subagent request, auxiliary for the session-title request (structured output, no tools, no thinking), main for any other request with a body; compaction, workflow and side_reply are only known from the header.',
      examples: ['auxiliary', ['auxiliary', 'compaction']],
      type: ['string', 'array'],
      if: { type: 'string' },
      then: { enum: [...REQUEST_CLASSES] },
      else: { items: { enum: [...REQUEST_CLASSES] }, minItems: 1 },
    },
    agent_type: {
      description:
        "The agent type (one, or a list; case-insensitive) from the x-claude-code-agent-type header, sent with CLAUDE_CODE_GATEWAY_HINT_HEADERS=1 on subagent requests: a built-in agent's name (Explore, Plan, general-purpose), custom, or teammate.",
      examples: ['Explore', ['Explore', 'Plan']],
      type: ['string', 'array'],
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      minLength: 1,
    },
    child_session: {
      type: 'boolean',
      description:
        'true: the session was started by another session (metadata.user_id carries parent_session_id: `claude --parent-session-id`, agent-team teammates). Claude Code classes these requests main.',
    },
  },
  examples: [{ subagent: true }, { request_class: 'auxiliary' }, { agent_type: 'Explore' }],
};

/** `claude_code: { subagent, request_class, agent_type, child_session }`. */
export const claudeCode: ConditionDefinition = {
  name: 'claude_code',
  description: 'What Claude Code says about the request: `subagent`, `request_class`, `agent_type`, `child_session` (see the table below).',
  paramsSchema: PARAMS_SCHEMA,
  compile: (params, cc, path) => compileClaudeCode(params, cc, path),
};
