/** The validated rule file, as the schema describes it (see schemas/mmexec.schema.json). */

/** A transform reference: a name, or `{ name: params }`. */
export type TransformRef = string | Record<string, unknown>;

/** Text match used by last_user_text and path. */
export interface TextMatchConfig {
  equals?: string;
  prefix?: string;
  regex?: string;
  trim?: boolean;
  ignore_case?: boolean;
}

/** The claude_code condition: what Claude Code says about the request; keys combine with AND. */
export interface ClaudeCodeConditionConfig {
  subagent?: boolean;
  request_class?: RequestClassName | RequestClassName[];
  agent_type?: string | string[];
  child_session?: boolean;
}

/** Request classes of Claude Code's x-claude-code-request-class header. */
export type RequestClassName = 'main' | 'subagent' | 'workflow' | 'compaction' | 'auxiliary' | 'side_reply';

/** A condition; keys combine with AND. */
export interface ConditionConfig {
  last_user_text?: TextMatchConfig;
  path?: string | TextMatchConfig;
  method?: string | string[];
  header?: { name: string; equals?: string; prefix?: string; regex?: string; present?: boolean; ignore_case?: boolean };
  model?: string | { glob?: string; regex?: string };
  sticky?: string | boolean | { scope?: StickyScope; equals?: string; set?: boolean };
  jsonata?: string;
  stream?: boolean;
  claude_code?: ClaudeCodeConditionConfig;
  all?: ConditionConfig[];
  any?: ConditionConfig[];
  not?: ConditionConfig;
}

/** Sticky scopes. */
export type StickyScope = 'session' | 'client' | 'global';

/** A route of the rule file. */
export interface RouteConfig {
  name: string;
  description?: string;
  when?: ConditionConfig;
  upstream?: string;
  strip_trigger?: boolean;
  sticky?: { set?: string; clear?: true; scope?: StickyScope };
  request?: TransformRef[];
  response?: TransformRef[];
  reply?: { status?: number; as?: 'text' | 'message' | 'error'; error_type?: string; text: string | string[] };
}

/** An upstream's provider profile: a bundled profile name, or the name with the operator's settings. */
export type ProfileConfig =
  | string
  | { name: string; context_window?: number; max_output_tokens?: number; on_image?: string; user_id?: 'drop' | 'session' | 'keep' };

/** The wire protocol of an upstream: a name, or the name with its settings (see schemas/mmexec.schema.json). */
export type ProtocolConfig =
  | 'anthropic'
  | 'openai-chat'
  | 'openai-responses'
  | { name: 'anthropic' | 'openai-chat' | 'openai-responses'; reasoning_content?: boolean; system_role?: 'system' | 'developer' };

/** An upstream of the rule file. */
export interface UpstreamConfig {
  url: string;
  provider?: 'anthropic' | 'other';
  protocol?: ProtocolConfig;
  profile?: ProfileConfig;
  auth?: 'passthrough' | { key_env: string; as?: 'x-api-key' | 'bearer' };
  model?: string;
  headers?: { add?: Record<string, string>; remove?: string[] };
  timeouts?: { connect?: string; first_byte?: string; idle?: string };
  limits?: { event?: string; body?: string };
  fallback?: string;
  request?: TransformRef[];
  response?: TransformRef[];
}

/** Spend caps. */
export interface BudgetConfig {
  daily_usd?: number;
  monthly_usd?: number;
  over_budget?: string;
  per_upstream?: Record<string, { daily_usd?: number; monthly_usd?: number }>;
}

/** A price entry (USD per million tokens). */
export interface PriceConfig {
  model: string;
  input: number;
  output: number;
  cache_read?: number;
  cache_write_5m?: number;
  cache_write_1h?: number;
}

/** A model the gateway adds to GET /v1/models answers. */
export interface ModelConfig {
  id: string;
  display_name?: string;
  description?: string;
}

/** The whole rule file after validation, with included routes (and models) spliced in. */
export interface Config {
  version?: 1;
  server?: {
    host?: string;
    port?: number | string;
    body_limit?: string;
    body_timeout?: string;
    allow_unauthenticated?: boolean;
    metrics_token?: string;
    shutdown_grace?: string;
  };
  sessions?: { sources?: Array<{ header?: string; metadata_user_id?: string }>; fallback?: 'global' | 'none' };
  state?: {
    store?: 'memory' | 'file' | 'redis';
    dir?: string;
    url?: string;
    key_prefix?: string;
    on_error?: 'fail_open' | 'fail_closed';
    sticky_ttl?: string;
    thinking_ttl?: string;
    ledger_ttl?: string;
  };
  jsonata?: { timeout?: string; max_depth?: number; max_sequence?: number };
  upstreams: Record<string, UpstreamConfig>;
  routes: RouteConfig[];
  prices?: PriceConfig[];
  models?: ModelConfig[];
  clients?: Array<{ name: string; key?: string; key_sha256?: string; budget?: BudgetConfig }>;
  tests?: RuleTestConfig[];
}

/** A sticky state for rule tests: the session scope's value, or values per scope. */
export type StickyStateConfig = string | Partial<Record<StickyScope, string>>;

/** One rule test (see definitions/rule_test in the schema). */
export interface RuleTestConfig {
  name: string;
  text?: string;
  request?: string | Record<string, unknown>;
  model?: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  session?: string;
  sticky?: StickyStateConfig;
  expect: {
    route?: string;
    upstream?: string;
    model?: string;
    text?: string;
    status?: number;
    reply?: string;
    sticky?: string | null;
    changed?: boolean;
  };
}
