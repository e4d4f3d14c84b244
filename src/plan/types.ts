/** The compiled, frozen plan: everything a request needs, resolved once at load. Requests never read raw config. */
import type { Agent } from 'node:http';
import type { StickyScope } from '../config/types.js';
import type { PriceTable } from '../metrics/prices.js';
import type { ModelObject } from '../models/declared-models.js';
import type { CompiledProfile } from '../profiles/compile-profile.js';
import type { RequestStage, ResponseStage, StageContext } from '../pipeline/stage.js';
import type { Protocol, TranslateOptions } from '../protocols/types.js';

/** A value or a promise of it: conditions stay synchronous unless they need JSONata. */
export type MaybePromise<T> = T | Promise<T>;

/** One line of an explanation of why a condition held or not. */
export interface TraceLine {
  depth: number;
  text: string;
  result: boolean;
}

/** A compiled condition. `trace`, when given, receives a readable account of the evaluation. */
export interface Condition {
  readonly describe: string;
  test(ctx: StageContext, trace?: TraceLine[], depth?: number): MaybePromise<boolean>;
  /** Sticky scopes this condition reads (so they are loaded once before routing). */
  readonly scopes: ReadonlySet<StickyScope>;
}

/** How an upstream is authenticated. */
export type UpstreamAuth = { kind: 'passthrough' } | { kind: 'key'; env: string; as: 'x-api-key' | 'bearer' };

/** A compiled upstream. */
export interface CompiledUpstream {
  readonly name: string;
  readonly url: URL;
  readonly provider: 'anthropic' | 'other';
  /** The protocol requests are translated to, or undefined for Anthropic Messages (passed as they are). */
  readonly protocol: Protocol | undefined;
  /** The protocol's settings from the rule file (the model is filled in per request). */
  readonly protocolSettings: Readonly<Omit<TranslateOptions, 'model'>>;
  /** The provider profile requests are shaped to, if the upstream names one. */
  readonly profile: CompiledProfile | undefined;
  readonly auth: UpstreamAuth;
  readonly model: string | undefined;
  readonly addHeaders: Readonly<Record<string, string>>;
  readonly removeHeaders: ReadonlySet<string>;
  readonly timeouts: { readonly connectMs: number; readonly firstByteMs: number; readonly idleMs: number };
  /** Largest SSE event and largest non-streaming (decoded) body accepted from the upstream, in bytes. */
  readonly limits: { readonly eventBytes: number; readonly bodyBytes: number };
  readonly fallback: string | undefined;
  readonly requestStages: readonly RequestStage[];
  readonly responseStages: readonly ResponseStage[];
  /** Keep-alive agent (http or https). */
  readonly agent: Agent;
}

/** A sticky state change. */
export interface StickyAction {
  readonly op: 'set' | 'clear';
  readonly value?: string;
  readonly scope: StickyScope;
}

/** A local reply. */
export interface CompiledReply {
  readonly status: number;
  readonly as: 'text' | 'message' | 'error';
  readonly errorType: string;
  readonly texts: readonly string[];
  /** The scope `{{sticky}}` shows: the route's sticky action's, else the one its condition reads, else session. */
  readonly stickyScope: StickyScope;
}

/** A compiled route. */
export interface CompiledRoute {
  readonly name: string;
  readonly index: number;
  readonly when: Condition;
  readonly upstream: CompiledUpstream | undefined;
  readonly stripTrigger: boolean;
  readonly sticky: StickyAction | undefined;
  readonly requestStages: readonly RequestStage[];
  readonly responseStages: readonly ResponseStage[];
  readonly reply: CompiledReply | undefined;
}

/** Where sessions come from. */
export type SessionSource = { kind: 'header'; name: string } | { kind: 'metadata'; key: string };

/** A configured client. */
export interface CompiledClient {
  readonly name: string;
  /** SHA-256 of the key. */
  readonly keyHash: Buffer;
  readonly budget: CompiledBudget | undefined;
}

/** Spend caps of a client. */
export interface CompiledBudget {
  readonly dailyUsd: number | undefined;
  readonly monthlyUsd: number | undefined;
  /** undefined = reject with 429; else the upstream to route to. */
  readonly overBudgetUpstream: string | undefined;
  readonly perUpstream: ReadonlyMap<string, { dailyUsd: number | undefined; monthlyUsd: number | undefined }>;
}

/** The whole plan. Frozen. */
export interface Plan {
  /** SHA-256 of the config files' text, for /healthz and reload logs. */
  readonly digest: string;
  readonly files: readonly string[];
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimit: number;
    /** How long a request body may take to arrive. */
    readonly bodyTimeoutMs: number;
    readonly allowUnauthenticated: boolean;
    readonly metricsToken: string | undefined;
    readonly shutdownGraceMs: number;
  };
  readonly sessions: { readonly sources: readonly SessionSource[]; readonly fallback: 'global' | 'none' };
  readonly state: {
    readonly store: 'memory' | 'file' | 'redis';
    readonly dir: string;
    readonly url: string | undefined;
    readonly keyPrefix: string;
    readonly onError: 'fail_open' | 'fail_closed';
    readonly stickyTtlSeconds: number;
    readonly thinkingTtlSeconds: number;
    /** How long a session's ledger record is kept after its last request. */
    readonly ledgerTtlSeconds: number;
  };
  readonly upstreams: ReadonlyMap<string, CompiledUpstream>;
  readonly routes: readonly CompiledRoute[];
  /** Sticky scopes any route reads, loaded once per request before routing. */
  readonly stickyScopes: readonly StickyScope[];
  readonly prices: PriceTable;
  readonly clients: readonly CompiledClient[];
  /** Models added to GET /v1/models answers (empty: the upstream's list passes unchanged). */
  readonly models: readonly ModelObject[];
}
