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

/** The catalogue: code → status and Anthropic type. */
export const ERROR_CATALOG = {
  body_not_json: { status: 400, type: 'invalid_request_error' },
  body_invalid_utf8: { status: 400, type: 'invalid_request_error' },
  body_not_object: { status: 400, type: 'invalid_request_error' },
  body_too_deep: { status: 400, type: 'invalid_request_error' },
  messages_invalid: { status: 400, type: 'invalid_request_error' },
  session_invalid: { status: 400, type: 'invalid_request_error' },
  bad_request_target: { status: 400, type: 'invalid_request_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  no_route: { status: 404, type: 'not_found_error' },
  body_too_large: { status: 413, type: 'request_too_large' },
  body_timeout: { status: 408, type: 'timeout_error' },
  client_key_missing: { status: 401, type: 'authentication_error' },
  upstream_key_missing: { status: 401, type: 'authentication_error' },
  budget_exceeded: { status: 429, type: 'rate_limit_error' },
  transform_failed: { status: 500, type: 'api_error' },
  jsonata_aborted: { status: 500, type: 'api_error' },
  state_unavailable: { status: 503, type: 'api_error' },
  upstream_unreachable: { status: 502, type: 'api_error' },
  upstream_timeout: { status: 504, type: 'timeout_error' },
  upstream_stream_broken: { status: 502, type: 'api_error' },
  upstream_stream_idle: { status: 504, type: 'overloaded_error' },
  loop_detected: { status: 508, type: 'invalid_request_error' },
  shutting_down: { status: 503, type: 'overloaded_error' },
  internal: { status: 500, type: 'api_error' },
} as const satisfies Record<string, { status: number; type: AnthropicErrorType }>;

/** A code from the catalogue. */
export type GatewayErrorCode = keyof typeof ERROR_CATALOG;

/** A failure made by the gateway; rendered to the client as Anthropic error JSON. */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: AnthropicErrorType;
  constructor(readonly code: GatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.status = ERROR_CATALOG[code].status;
    this.type = ERROR_CATALOG[code].type;
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

/** Formats a config issue as `file:line:col path: message`. */
export function formatIssue(i: ConfigIssue): string {
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
