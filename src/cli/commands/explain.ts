/** `mmexec explain`: shows what the rules do with a request, without calling any upstream. */
import { readFileSync } from 'node:fs';
import type { StickyScope } from '../../config/types.js';
import { loadConfig } from '../../config/load.js';
import { ConfigError, formatIssue } from '../../errors.js';
import { compilePlan } from '../../plan/compile.js';
import type { Message, MessagesBody } from '../../pipeline/messages.js';
import { replaceWords, userTextOf } from '../../pipeline/user-text.js';
import { minimalRequest } from '../../rule-tests/build-request.js';
import { formatExplain } from '../../rule-tests/format-explain.js';
import { simulate, type SimulationInput } from '../../rule-tests/simulate.js';
import { option, type ParsedArgs } from '../args.js';
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

function readRequest(args: ParsedArgs): Buffer {
  const file = args.positionals[0];
  const text = option(args, 'text');
  if (!file) {
    if (text === undefined) throw new Error('give a request JSON file (or - for stdin), or --text');
    return Buffer.from(JSON.stringify(minimalRequest(text)));
  }
  const raw = readFileSync(file === '-' ? 0 : file);
  if (text === undefined) return raw;
  const body = JSON.parse(raw.toString('utf8')) as MessagesBody;
  const at = userTextOf(body.messages);
  if (!at) throw new Error('--text: the request has no user text to replace');
  replaceWords((body.messages as Message[])[at.message]!, at, text);
  return Buffer.from(JSON.stringify(body));
}

/** Runs explain; exit 0 when the report was printed, 1 on a bad rule file, 2 on bad arguments. */
export async function explainCommand(args: ParsedArgs): Promise<number> {
  const configPath = resolveConfigPath(option(args, 'config'));
  let input: SimulationInput;
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
    Object.assign(headers, parseHeaderOptions(args.options.get('header') ?? []));
    input = {
      method: (option(args, 'method') ?? 'POST').toUpperCase(),
      path: option(args, 'path') ?? '/v1/messages',
      headers,
      raw: readRequest(args),
      session: option(args, 'session'),
      sticky: parseStickyOptions(args.options.get('sticky') ?? []),
    };
  } catch (err) {
    process.stderr.write(`mmexec explain: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    const { plan } = compilePlan(loadConfig(configPath), process.env);
    try {
      const sim = await simulate(plan, input, process.env);
      process.stdout.write(`Config: ${configPath} (${plan.routes.length} routes, digest ${plan.digest})\n${formatExplain(plan, input, sim)}`);
    } finally {
      for (const u of plan.upstreams.values()) u.agent.destroy();
    }
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const i of err.issues) process.stderr.write(`${formatIssue(i)}\n`);
    return 1;
  }
}
