/**
 * Rule files for the gateway suites of the OpenAI protocols: an Anthropic upstream (thinking from other
 * providers turned into text) beside an upstream of another protocol, and optionally the classic trigger
 * routes (`mmexec` moves the session to it, `mmrelease` back).
 */

export interface ProtocolRules {
  /** URL of the strict Anthropic fake. */
  anthropic: string;
  /** URL of the other protocol's fake (with any path prefix it needs). */
  url: string;
  protocol: 'openai-chat' | 'openai-responses';
  model: string;
  /** Lines under `server:`, `models:` etc. placed before `upstreams:`. */
  head?: string;
  /** Response transforms of the protocol upstream. */
  response?: string[];
  /** The route list; default: the classic trigger routes. */
  routes?: string;
}

/** `mmexec <task>` → the protocol upstream (sticky), `mmrelease <task>` → Anthropic, else Anthropic. */
export const TRIGGER_ROUTES = `  - name: trigger-openai
    when: { path: /v1/messages, last_user_text: { regex: '^\\s*mmexec(\\s|$)' } }
    strip_trigger: true
    sticky: { set: openai }
    upstream: openai
  - name: release-to-anthropic
    when: { path: /v1/messages, last_user_text: { regex: '^\\s*mmrelease(\\s|$)' } }
    strip_trigger: true
    sticky: { clear: true }
    upstream: anthropic
  - name: sticky-openai
    when: { sticky: openai }
    upstream: openai
  - name: default-anthropic
    upstream: anthropic
`;

/** The rule file's text. */
export function protocolRules(r: ProtocolRules): string {
  const response = r.response ? `\n    response: [${r.response.join(', ')}]` : '';
  return `version: 1
${r.head ? `${r.head}\n` : ''}upstreams:
  anthropic:
    url: ${r.anthropic}
    provider: anthropic
    auth: passthrough
    request: [minimax-thinking-to-text]
  openai:
    url: ${r.url}
    protocol: ${r.protocol}
    auth: { key_env: OPENAI_API_KEY }
    model: ${r.model}${response}
routes:
${r.routes ?? TRIGGER_ROUTES}`;
}
