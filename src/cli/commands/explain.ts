/** `mmexec explain`: shows what the rules do with a request, without calling any upstream. */
import { readFileSync } from 'node:fs';
import type { StickyScope } from '../../config/types.js';
import { loadConfig } from '../../config/load.js';
import { fsErrorText, UsageError } from '../../errors.js';
import { compilePlan } from '../../plan/compile.js';
import type { Message, MessagesBody } from '../../pipeline/messages.js';
import { replaceWords, userTextOf } from '../../pipeline/user-text.js';
import { minimalRequest } from '../../rule-tests/build-request.js';
import { formatExplain } from '../../explain/format-explain.js';
import { simulate, type SimulationInput } from '../../explain/simulate.js';
import { CONFIG_OPTION, type Command, type CommandArgs } from '../command.js';
import { resolveConfigPath } from '../config-path.js';

const SCOPES = new Set<string>(['session', 'client', 'global']);

/** Parses `--sticky VALUE` (session scope) or `--sticky scope=VALUE`, repeatable. */
export function parseStickyOptions(values: readonly string[]): Partial<Record<StickyScope, string>> {
  const out: Partial<Record<StickyScope, string>> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq > 0 && SCOPES.has(v.slice(0, eq))) out[v.slice(0, eq) as StickyScope] = v.slice(eq + 1);
    else out.session = v;
  }
  return out;
}

/** Parses repeatable `--header Name:Value` options into lower-cased headers. */
export function parseHeaderOptions(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of values) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new Error(`--header expects Name:Value, got "${h}"`);
    out[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  return out;
}

/** Where the request came from, for messages. */
function sourceName(args: CommandArgs): string {
  const file = args.positionals[0];
  return file === '-' ? 'stdin' : (file ?? 'the --text request');
}

function readRequest(args: CommandArgs): Buffer {
  const file = args.positionals[0];
  const text = args.string('text');
  if (!file) return Buffer.from(JSON.stringify(minimalRequest(text ?? '')));
  let raw: Buffer;
  try {
    raw = readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw new Error(`cannot read ${sourceName(args)}: ${fsErrorText(err)}`);
  }
  if (text === undefined) return raw;
  let body: MessagesBody;
  try {
    body = JSON.parse(raw.toString('utf8')) as MessagesBody;
  } catch (err) {
    throw new Error(`${sourceName(args)} is not JSON (${(err as Error).message.replace(/\s+/g, ' ')}), so --text has no message to replace`);
  }
  const at = userTextOf(body.messages);
  if (!at) throw new Error(`--text: ${sourceName(args)} has no user text to replace`);
  replaceWords((body.messages as Message[])[at.message]!, at, text);
  return Buffer.from(JSON.stringify(body));
}

async function run(args: CommandArgs): Promise<number> {
  if (args.positionals.length === 0 && args.string('text') === undefined) throw new UsageError('give a request JSON file (or - for stdin), or --text');
  const configPath = resolveConfigPath(args.string('config'));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...parseHeaderOptions(args.strings('header')) };
  const input: SimulationInput = {
    method: (args.string('method') ?? 'POST').toUpperCase(),
    path: args.string('path') ?? '/v1/messages',
    headers,
    raw: readRequest(args),
    session: args.string('session'),
    sticky: parseStickyOptions(args.strings('sticky')),
    failing: args.strings('fail'),
  };
  const { plan } = compilePlan(loadConfig(configPath), process.env);
  try {
    const sim = await simulate(plan, input, process.env);
    process.stdout.write(`Config: ${configPath} (${plan.routes.length} routes, digest ${plan.digest})\n${formatExplain(plan, input, sim)}`);
    if (!sim.error) return 0;
    process.stderr.write(`mmexec explain: ${sourceName(args)}: ${sim.error.message} (the gateway would answer ${sim.error.status} ${sim.error.type})\n`);
    return 1;
  } finally {
    for (const u of plan.upstreams.values()) u.agent.destroy();
  }
}

/** `mmexec explain`. */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'show what the rules do with a request, without calling any upstream',
  description:
    'Runs a request (a JSON file, - for stdin, or a minimal one around --text) through the request path\n' +
    '`serve` runs, without calling any upstream: the client admission (401/429), every route tried with each\n' +
    'condition\'s verdict, the chosen upstream (budget reroutes and, with --fail, fallbacks) or local reply,\n' +
    'the stages on the way in and out, the sticky state change, and the body the upstream would receive as a diff.',
  exitCodes: '0 the request would be routed or answered by a rule, 1 the gateway would reject it (bad body, no\nroute, ...) or the rule file is invalid, 2 wrong usage.',
  positionals: { usage: '[request.json|-]', max: 1 },
  options: {
    config: CONFIG_OPTION,
    text: { type: 'string', value: 'TEXT', description: 'last user text (replaces it in the request file, or builds a minimal request)', allowEmpty: true },
    session: { type: 'string', value: 'ID', description: 'session id (instead of the one the request carries)' },
    sticky: { type: 'string', value: '[SCOPE=]VALUE', multiple: true, description: 'sticky state before the request (scope session, client or global; default session)' },
    fail: { type: 'string', value: 'UPSTREAM', multiple: true, description: 'make this upstream fail (as unreachable) to see its fallback' },
    header: { type: 'string', value: 'K:V', multiple: true, description: 'request header', check: (v) => (v.indexOf(':') > 0 ? undefined : 'expected Name:Value') },
    path: { type: 'string', value: 'PATH', description: 'request path (default /v1/messages)', check: (v) => (v.startsWith('/') ? undefined : 'expected a path starting with /') },
    method: { type: 'string', value: 'METHOD', description: 'request method (default POST)', check: (v) => (/^[A-Za-z]+$/.test(v) ? undefined : 'expected an HTTP method such as POST') },
  },
  readsEnv: true,
  run,
};
