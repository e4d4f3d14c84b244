/**
 * What a provider's Anthropic-compatible endpoint accepts, as plain data. One file per provider under
 * src/profiles/ declares it (citing the documentation it follows); one generic shaping stage reads it.
 */

/** A numeric range a sampling parameter must fall in; `minExclusive` when the lower bound itself is refused. */
export interface SamplingRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
}

/** How `thinking` is accepted. */
export interface ThinkingRules {
  /** Thinking types the provider takes (`enabled`, `disabled`, `adaptive`). Empty: the field is removed. */
  readonly types: readonly string[];
  /** Keys of the thinking object it takes; others (e.g. `display`) are removed. */
  readonly keys: readonly string[];
  /** What an unaccepted `adaptive` becomes (`enabled` gets a budget); absent: thinking is removed. */
  readonly adaptiveAs?: 'enabled';
  /** `enabled` must carry `budget_tokens` (one is chosen below max_tokens when missing). */
  readonly budgetRequired?: boolean;
}

/** How the provider answers a failure, as a rule matched against its error responses. */
export interface ErrorRule {
  /** HTTP statuses the rule covers; absent: any status of 400 or more. */
  readonly status?: readonly number[];
  /** Provider error codes, found in `base_resp.status_code`, `error.code`/`code` or as a number in the message. */
  readonly codes?: readonly string[];
  /** A pattern the error's type or message must match. */
  readonly match?: RegExp;
  /** What the failure is; decides the Anthropic error and whether Claude Code retries it. */
  readonly kind: ErrorKind;
}

/**
 * Permanent kinds (auth, billing, plan, content, invalid, not_found) become 4xx answers Claude Code does not
 * retry; transient kinds (rate_limit, overloaded, server) stay retryable with a whole-second retry-after.
 */
export type ErrorKind = 'auth' | 'billing' | 'plan' | 'content' | 'invalid' | 'not_found' | 'rate_limit' | 'overloaded' | 'server';

/** The accepted shape of requests, per model family where the provider differs between models. */
export interface ProfileRules {
  /** Message roles accepted; `system` turns are folded into the adjacent user turn when absent. */
  readonly roles: readonly string[];
  /** Content block types accepted in messages (and inside tool results). Others are replaced by a text note. */
  readonly blocks: readonly string[];
  /** Image source types accepted (`base64`, `url`, `file`); other images are replaced like unknown blocks. */
  readonly imageSources: readonly string[];
  /** Top-level body fields accepted; `'all'` keeps every field. Other fields are removed. */
  readonly fields: readonly string[] | 'all';
  readonly thinking: ThinkingRules | 'keep';
  /** Keys of output_config kept when output_config is an accepted field (e.g. only `effort`). */
  readonly outputConfigKeys?: readonly string[];
  /** output_config.effort is removed unless thinking is on (some providers refuse effort with thinking off). */
  readonly effortNeedsThinking?: boolean;
  /** Keys of a client tool definition accepted; `'all'` keeps them (e.g. `defer_loading` is removed otherwise). */
  readonly toolKeys: readonly string[] | 'all';
  /** Server tool type prefixes accepted (`web_search`); `'all'` keeps every server tool. */
  readonly serverTools: readonly string[] | 'all';
  readonly temperature?: SamplingRange | 'drop';
  readonly topP?: SamplingRange | 'drop';
  /** Largest max_tokens accepted; larger values are capped. */
  readonly maxOutputTokens?: number;
  /** Context window in tokens; requests clearly larger are refused before they leave. */
  readonly contextWindow?: number;
}

/** A bundled provider profile. */
export interface ProviderProfile extends ProfileRules {
  readonly name: string;
  /** One line for the docs and the README table. */
  readonly title: string;
  /** Who runs the endpoint, as error messages name it (`MiniMax`, `DeepSeek`). */
  readonly vendor: string;
  /** The documentation page(s) the profile follows. */
  readonly docs: readonly string[];
  /** Whose API this is: `anthropic` profiles keep the client's private data and genuine thinking signatures. */
  readonly firstParty: boolean;
  /** Betas of the anthropic-beta header that are kept; `'all'` keeps the header unchanged. */
  readonly betas: readonly string[] | 'all';
  /** The provider serves POST /v1/messages/count_tokens; otherwise the gateway answers it with an estimate. */
  readonly countTokens: boolean;
  /** The provider wants Claude Code's `x-anthropic-billing-header` system block (third parties never do). */
  readonly billingHeader?: boolean;
  /** Model families that differ from the defaults above: the first whose pattern matches the model wins. */
  readonly variants?: ReadonlyArray<{ readonly models: RegExp } & Partial<ProfileRules>>;
  readonly errors: readonly ErrorRule[];
}
