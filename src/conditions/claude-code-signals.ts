/**
 * What Claude Code tells a gateway about a request: subagent or main, its request class, the agent type and
 * the session that started this one. Headers are read first; the body's metadata and system fields only
 * when the headers leave the answer open. Observed with Claude Code 2.1.197 and 2.1.332 against a logging
 * fake (see test/fixtures/claude-code/request-signals.json).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestClassName } from '../config/types.js';
import { RequestSlot, type RequestContext } from '../pipeline/context.js';
import { metadataUserId } from '../state/session-key.js';

/** Request classes Claude Code names in `x-claude-code-request-class` (2.1.332). */
export const REQUEST_CLASSES = ['main', 'subagent', 'workflow', 'compaction', 'auxiliary', 'side_reply'] as const satisfies readonly RequestClassName[];

/** One of the request classes. */
export type RequestClass = (typeof REQUEST_CLASSES)[number];

/** Headers Claude Code sets: agent ids on every subagent request, class and type with CLAUDE_CODE_GATEWAY_HINT_HEADERS=1. */
export const CC_HEADERS = {
  agentId: 'x-claude-code-agent-id',
  parentAgentId: 'x-claude-code-parent-agent-id',
  requestClass: 'x-claude-code-request-class',
  agentType: 'x-claude-code-agent-type',
} as const;

/** A value read from the request and where it came from (for explanations). */
export interface Reading<T> {
  readonly value: T;
  readonly source: string;
}

const BILLING_PREFIX = 'x-anthropic-billing-header:';
const CLASSES: ReadonlySet<string> = new Set(REQUEST_CLASSES);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/**
 * The `key=value` fields of the billing block Claude Code puts first in `system`
 * (`x-anthropic-billing-header: cc_version=2.1.332.ea8; cc_entrypoint=cli; cc_is_subagent=true;`).
 * Undefined when the first system block is not one.
 */
export function billingFields(system: unknown): ReadonlyMap<string, string> | undefined {
  const first = Array.isArray(system) ? (system[0] as { type?: unknown; text?: unknown } | undefined) : undefined;
  const text = typeof system === 'string' ? system : first?.type === 'text' ? first.text : undefined;
  if (typeof text !== 'string' || !text.startsWith(BILLING_PREFIX)) return undefined;
  const fields = new Map<string, string>();
  const line = text.slice(BILLING_PREFIX.length).split('\n', 1)[0]!;
  for (const part of line.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return fields;
}

/**
 * The shape of the request Claude Code makes for a session title (2.1.197 and 2.1.332, on the main model):
 * structured output (`output_config.format`), no tools, thinking disabled or absent.
 */
export function isTitleShape(field: (key: string) => unknown): boolean {
  const format = (field('output_config') as { format?: unknown } | undefined)?.format;
  if (format === undefined || format === null) return false;
  const thinking = field('thinking') as { type?: unknown } | undefined;
  if (thinking !== undefined && thinking?.type !== 'disabled') return false;
  const tools = field('tools');
  return tools === undefined || (Array.isArray(tools) && tools.length === 0);
}

/** The Claude Code signals of one request, each read once and only when asked. Created per request. */
export class ClaudeCodeSignals {
  private sub: Reading<boolean> | undefined;
  private cls: Reading<RequestClass | undefined> | undefined;
  private parent: Reading<string | undefined> | undefined;

  constructor(private readonly ctx: RequestContext) {}

  /** The class the request-class header names, when it is a known one. */
  private headerClass(): RequestClass | undefined {
    const v = header(this.ctx.headers, CC_HEADERS.requestClass)?.toLowerCase();
    return v !== undefined && CLASSES.has(v) ? (v as RequestClass) : undefined;
  }

  /** Whether a subagent (Agent tool, workflow) made the request: its headers, else the billing block. */
  subagent(): Reading<boolean> {
    this.sub ??= this.readSubagent();
    return this.sub;
  }

  private readSubagent(): Reading<boolean> {
    const h = this.ctx.headers;
    if (header(h, CC_HEADERS.agentId)) return { value: true, source: `header ${CC_HEADERS.agentId}` };
    if (header(h, CC_HEADERS.parentAgentId)) return { value: true, source: `header ${CC_HEADERS.parentAgentId}` };
    const cls = this.headerClass();
    if (cls) return { value: cls === 'subagent' || cls === 'workflow', source: `header ${CC_HEADERS.requestClass}: ${cls}` };
    const billing = billingFields(this.ctx.field('system'));
    if (billing?.get('cc_is_subagent') === 'true') return { value: true, source: 'billing block cc_is_subagent=true' };
    return { value: false, source: billing ? 'no agent id header, no cc_is_subagent in the billing block' : 'no agent id header or billing block' };
  }

  /**
   * The request class: the hint header's, else inferred (the title request's shape → auxiliary, a subagent
   * → subagent, any other request with a body → main). Undefined for a request without a body. With
   * `resolveAgent` false, a request that is neither named by the header nor title-shaped is left undefined
   * rather than told subagent from main (which may read the system field).
   */
  requestClass(resolveAgent = true): Reading<RequestClass | undefined> {
    if (this.cls) return this.cls;
    const cls = this.headerClass();
    if (cls) return (this.cls = { value: cls, source: `header ${CC_HEADERS.requestClass}` });
    if (!this.ctx.payload) return (this.cls = { value: undefined, source: 'no hint header and no body' });
    if (isTitleShape((k) => this.ctx.field(k))) return (this.cls = { value: 'auxiliary', source: 'inferred from the title request shape' });
    if (!resolveAgent) return { value: undefined, source: 'no hint header, not the title request shape' };
    const sub = this.subagent();
    this.cls = sub.value ? { value: 'subagent', source: `inferred from ${sub.source}` } : { value: 'main', source: `inferred: no hint header and ${sub.source}` };
    return this.cls;
  }

  /** The agent type hint header (e.g. Explore, general-purpose, custom, teammate). */
  agentType(): Reading<string | undefined> {
    const v = header(this.ctx.headers, CC_HEADERS.agentType);
    return { value: v, source: v === undefined ? `no ${CC_HEADERS.agentType} header` : `header ${CC_HEADERS.agentType}` };
  }

  /** The session that started this one (`claude --parent-session-id`, agent teams): metadata.user_id's parent_session_id. */
  parentSession(): Reading<string | undefined> {
    if (!this.parent) {
      const v = metadataUserId(this.ctx.field('metadata'))?.parent_session_id;
      const value = typeof v === 'string' && v !== '' ? v : undefined;
      this.parent = { value, source: value === undefined ? 'no parent_session_id in metadata.user_id' : 'metadata.user_id parent_session_id' };
    }
    return this.parent;
  }
}

const SIGNALS = new RequestSlot('claude-code-signals', (ctx) => new ClaudeCodeSignals(ctx));

/** The signals of a request, created on first use and kept for the request's other routes. */
export function claudeCodeSignals(ctx: RequestContext): ClaudeCodeSignals {
  return ctx.slot(SIGNALS);
}
