/** Turns a rule test's inputs (text, request, headers, session, sticky) into a simulated request. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RuleTestConfig, StickyScope, StickyStateConfig } from '../config/types.js';
import type { Message, MessagesBody } from '../pipeline/messages.js';
import { replaceWords, userTextOf } from '../pipeline/user-text.js';
import type { SimulationInput } from '../explain/simulate.js';

/** The model of the minimal request built around a test's text. */
export const DEFAULT_TEST_MODEL = 'claude-sonnet-4-5';

/** The session id rule tests use when they name none. */
export const DEFAULT_TEST_SESSION = 'test-session';

/** A minimal streaming Messages request whose last user text is `text`. */
export function minimalRequest(text: string): MessagesBody {
  return {
    model: DEFAULT_TEST_MODEL,
    max_tokens: 1024,
    stream: true,
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  };
}

/** Sticky state per scope from the test's shorthand (a string is the session scope's value). */
export function stickyState(s: StickyStateConfig | undefined): Partial<Record<StickyScope, string>> {
  if (s === undefined) return {};
  return typeof s === 'string' ? { session: s } : { ...s };
}

/** Reads a JSON request body from a file, relative to `baseDir`. */
export function readRequestFile(file: string, baseDir: string): MessagesBody {
  const path = resolve(baseDir, file);
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: expected a JSON object`);
  return value as MessagesBody;
}

/** Builds the body of a test: the request (object or file) over the minimal one, then model and text. */
export function testBody(t: RuleTestConfig, baseDir: string): MessagesBody {
  const given = typeof t.request === 'string' ? readRequestFile(t.request, baseDir) : t.request;
  const body: MessagesBody = given ? { ...minimalRequest(t.text ?? ''), ...structuredClone(given) } : minimalRequest(t.text ?? '');
  if (t.model !== undefined) body.model = t.model;
  if (given && t.text !== undefined) {
    const at = userTextOf(body.messages);
    if (at) replaceWords((body.messages as Message[])[at.message]!, at, t.text);
    else if (Array.isArray(body.messages)) body.messages.push({ role: 'user', content: [{ type: 'text', text: t.text }] });
  }
  return body;
}

/** Builds the simulated request of a test. Header names are lower-cased like Node's. */
export function buildTestRequest(t: RuleTestConfig, baseDir: string): SimulationInput {
  const raw = Buffer.from(JSON.stringify(testBody(t, baseDir)));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'x-claude-code-session-id': t.session ?? DEFAULT_TEST_SESSION,
  };
  for (const [k, v] of Object.entries(t.headers ?? {})) headers[k.toLowerCase()] = v;
  return { method: (t.method ?? 'POST').toUpperCase(), path: t.path ?? '/v1/messages', headers, raw, sticky: stickyState(t.sticky) };
}
