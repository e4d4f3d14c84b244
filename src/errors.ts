/**
 * Every failure the gateway itself can produce, declared once with its HTTP status and Anthropic error type.
 * Upstream errors are never wrapped: they pass through as the upstream sent them.
 */

/** Anthropic error types the gateway emits. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/**
 * Status of the failures only the user can fix (an upstream key missing or rejected): Claude Code shows a 402
 * once, never retries it and never turns it into its "Please run /login" hint, which 401 and 403 get (verified
 * with the real CLI; see src/profiles/error-map.ts).
 */
export const USER_FIX_STATUS = 402;

/** Tells Anthropic clients (Claude Code, the SDKs) not to retry, whatever the status. */
export const NO_RETRY_HEADERS: Readonly<Record<string, string>> = { 'x-should-retry': 'false' };

/** The catalogue: code → status and Anthropic type; `retry: false` adds NO_RETRY_HEADERS. */
export const ERROR_CATALOG = {
  body_not_json: { status: 400, type: 'invalid_request_error' },
  body_invalid_utf8: { status: 400, type: 'invalid_request_error' },
  body_not_object: { status: 400, type: 'invalid_request_error' },
  body_too_deep: { status: 400, type: 'invalid_request_error' },
  messages_invalid: { status: 400, type: 'invalid_request_error' },
  prompt_too_long: { status: 400, type: 'invalid_request_error' },
  session_invalid: { status: 400, type: 'invalid_request_error' },
  bad_request_target: { status: 400, type: 'invalid_request_error' },
  malformed_http: { status: 400, type: 'invalid_request_error' },
  headers_too_large: { status: 431, type: 'invalid_request_error' },
  headers_timeout: { status: 408, type: 'timeout_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  no_route: { status: 404, type: 'not_found_error' },
  session_unknown: { status: 404, type: 'not_found_error' },
  body_too_large: { status: 413, type: 'request_too_large' },
  body_timeout: { status: 408, type: 'timeout_error' },
  client_key_missing: { status: 401, type: 'authentication_error' },
  token_required: { status: 401, type: 'authentication_error' },
  upstream_key_missing: { status: USER_FIX_STATUS, type: 'authentication_error', retry: false },
  budget_exceeded: { status: 429, type: 'rate_limit_error' },
  transform_failed: { status: 500, type: 'api_error' },
  jsonata_aborted: { status: 500, type: 'api_error' },
  state_unavailable: { status: 503, type: 'api_error' },
  upstream_unreachable: { status: 502, type: 'api_error' },
  upstream_timeout: { status: 504, type: 'timeout_error' },
  upstream_stream_broken: { status: 502, type: 'api_error' },
  upstream_answer_too_large: { status: 502, type: 'api_error' },
  upstream_answer_unreadable: { status: 502, type: 'api_error' },
  upstream_encoding_unsupported: { status: 502, type: 'api_error' },
  upstream_stream_idle: { status: 504, type: 'overloaded_error' },
  upstream_event_too_large: { status: 502, type: 'api_error' },
  loop_detected: { status: 508, type: 'invalid_request_error' },
  shutting_down: { status: 503, type: 'overloaded_error' },
  internal: { status: 500, type: 'api_error' },
} as const satisfies Record<string, { status: number; type: AnthropicErrorType; retry?: false }>;

/** A code from the catalogue. */
export type GatewayErrorCode = keyof typeof ERROR_CATALOG;

/** A failure made by the gateway; rendered to the client as Anthropic error JSON. */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: AnthropicErrorType;
  /** Headers the error is sent with (NO_RETRY_HEADERS for errors a retry cannot fix). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(readonly code: GatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    const entry: { status: number; type: AnthropicErrorType; retry?: false } = ERROR_CATALOG[code];
    this.status = entry.status;
    this.type = entry.type;
    this.headers = entry.retry === false ? NO_RETRY_HEADERS : {};
  }
}

/** Anthropic's error envelope. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

/** Builds Anthropic's error envelope. */
export function errorBody(type: AnthropicErrorType, message: string, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = { type: 'error', error: { type, message } };
  if (requestId) body.request_id = requestId;
  return body;
}

/** A gateway error's Anthropic envelope. */
export function errorEnvelope(err: GatewayError, requestId?: string): AnthropicErrorBody {
  return errorBody(err.type, err.message, requestId);
}

/** The JSON text of a gateway error's Anthropic envelope. */
export function errorJson(err: GatewayError, requestId?: string): string {
  return JSON.stringify(errorEnvelope(err, requestId));
}

/** Converts anything thrown into a GatewayError (unknown errors become `internal`, their text kept out). */
export function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('internal', 'internal gateway error', { cause: err });
}

/** A problem found while loading a rule file, with its position. */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Path in the document, e.g. `routes[2].upstream`. */
  path: string;
  message: string;
}

/** Formats a config issue as `file:line:col path: message` (`file: message` for a whole-file problem). */
export function formatIssue(i: ConfigIssue): string {
  if (i.line <= 0 && !i.path) return `${i.file}: ${i.message}`;
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  return `${where} ${i.path || '(root)'}: ${i.message}`;
}

/** Thrown when a rule file fails to load; carries every issue found. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Wrong command-line usage (unknown option, stray argument, bad value); the CLI exits 2 with its message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'already exists',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/** A file-system error as a short phrase (`no such file or directory`), for one-line messages. */
export function fsErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (code && FS_ERRORS[code]) ?? (err as Error).message;
}
