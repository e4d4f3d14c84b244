/** The capture scenarios: what Claude Code is asked to do, and how the logging fake answers. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ClaudeOptions, ClaudeSession } from '../../support/claude-cli.js';
import type { MessagesBody, RequestBlock } from '../../support/fake-upstream-common.js';
import type { Answerer, LoggingFake } from './logging-fake.js';

/** What a scenario's driver gets. */
export interface DriveContext {
  claude: ClaudeSession;
  fake: LoggingFake;
  /** Observations written to the fixture. */
  notes: string[];
}

/** One capture scenario. */
export interface Scenario {
  name: string;
  description: string;
  /** Texts whose strings stay whole in the fixture. */
  keep: string[];
  claude?: Partial<ClaudeOptions>;
  /** Model ids GET /v1/models lists (default: the logging fake's). */
  models?: string[];
  answer: Answerer;
  drive(ctx: DriveContext): Promise<void>;
}

/** The model whose requests carry adaptive thinking. */
export const ADAPTIVE_MODEL = 'claude-opus-4-8';
/** A model whose requests carry thinking type `enabled` (a manual budget). */
export const ENABLED_MODEL = 'claude-sonnet-4-5';
/** The command the tool-loop scenarios have Bash run. */
export const TOOL_COMMAND = 'sleep 3; echo done';
/** What the typed-during-tool scenarios type while the command runs. */
export const TYPED_TEXT = 'mmrelease stop here';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `cond` holds (polling), or fails after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function blocks(content: string | RequestBlock[]): RequestBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** Whether the last user-role message carries a tool_result. */
export function endsWithToolResult(body: MessagesBody): boolean {
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  return lastUser !== undefined && blocks(lastUser.content).some((b) => b.type === 'tool_result');
}

/** The text of the first user message (what a subagent was asked, for a subagent request). */
export function firstUserText(body: MessagesBody): string {
  const first = body.messages.find((m) => m.role === 'user');
  return first ? blocks(first.content).map((b) => (typeof b.text === 'string' ? b.text : '')).join('\n') : '';
}

/** Whether the last user-role message (system turns after it skipped) mentions `s`. */
const lastUserSays = (body: MessagesBody, s: string): boolean => {
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  return lastUser !== undefined && JSON.stringify(lastUser.content).includes(s);
};

/** Settles: waits until no new request or stdout event arrived for `quietMs`. */
async function settle(ctx: DriveContext, quietMs = 2500, maxMs = 15_000): Promise<void> {
  const end = Date.now() + maxMs;
  let seen = -1;
  let since = Date.now();
  while (Date.now() < end) {
    const now = ctx.fake.log.length + ctx.claude.events.length;
    if (now !== seen) {
      seen = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    await sleep(100);
  }
}

const toolAnswer: Answerer = (body) => {
  if (endsWithToolResult(body)) return { text: 'tool finished' };
  if (lastUserSays(body, 'run the tool')) return { tool: { name: 'Bash', input: { command: TOOL_COMMAND, description: 'Wait and print done' } } };
  return { text: 'ok' };
};

async function typedDuringTool(ctx: DriveContext): Promise<void> {
  const turn = ctx.claude.turn('please run the tool');
  await until(() => ctx.fake.log.some((e) => e.answered.startsWith('tool_use')), 30_000, 'the tool_use answer');
  await sleep(1200);
  ctx.claude.type(TYPED_TEXT);
  await turn;
  await settle(ctx);
}

const plainTurns = (first: string, second: string) => async (ctx: DriveContext): Promise<void> => {
  await ctx.claude.turn(first);
  await ctx.claude.turn(second);
};

/** Finds a file by name under `dir` (Claude Code's config dir layout differs between releases). */
function findFile(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return p;
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** Model ids the discovery scenario's GET /v1/models lists: some pass Claude Code's filter, some do not. */
export const DISCOVERY_MODELS = ['claude-opus-4-8', 'claude-via-minimax-m2.7', 'anthropic-test-model', 'MiniMax-M2.7', 'gpt-4o'];

/** The prompt a subagent is given; its requests are recognised by it. */
export const SUBAGENT_PROMPT = 'SUBAGENT-JOB: reply with hi';

const subagentAnswer: Answerer = (body) => {
  if (firstUserText(body).includes('SUBAGENT-JOB')) return { text: 'hi from the subagent' };
  if (endsWithToolResult(body)) return { text: 'main agent done' };
  if (lastUserSays(body, 'delegate this')) {
    return { tool: { name: 'Agent', input: { description: 'Say hi', prompt: SUBAGENT_PROMPT, subagent_type: 'general-purpose' } } };
  }
  return { text: 'ok' };
};

/** Every scenario, in capture order. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'plain-adaptive',
    description: `Two plain prompts on ${ADAPTIVE_MODEL} (adaptive thinking), no tools.`,
    keep: ['hello plain', 'second message'],
    claude: { model: ADAPTIVE_MODEL },
    answer: () => ({ text: 'ok' }),
    drive: plainTurns('hello plain', 'second message'),
  },
  {
    name: 'plain-enabled',
    description: `Two plain prompts on ${ENABLED_MODEL} (thinking type enabled), no tools.`,
    keep: ['hello enabled', 'second message'],
    claude: { model: ENABLED_MODEL },
    answer: () => ({ text: 'ok' }),
    drive: plainTurns('hello enabled', 'second message'),
  },
  {
    name: 'tool-loop',
    description: `A Bash tool loop (\`${TOOL_COMMAND}\`) on ${ADAPTIVE_MODEL}, then a plain prompt.`,
    keep: ['please run the tool', 'after the loop'],
    claude: { model: ADAPTIVE_MODEL, tools: 'Bash', allowedTools: 'Bash' },
    answer: toolAnswer,
    drive: plainTurns('please run the tool', 'after the loop'),
  },
  {
    name: 'typed-during-tool-adaptive',
    description: `"${TYPED_TEXT}" typed (a second stream-json user line) while the Bash tool runs, on ${ADAPTIVE_MODEL}.`,
    keep: ['please run the tool', TYPED_TEXT],
    claude: { model: ADAPTIVE_MODEL, tools: 'Bash', allowedTools: 'Bash' },
    answer: toolAnswer,
    drive: typedDuringTool,
  },
  {
    name: 'typed-during-tool-enabled',
    description: `"${TYPED_TEXT}" typed while the Bash tool runs, on ${ENABLED_MODEL} (thinking type enabled).`,
    keep: ['please run the tool', TYPED_TEXT],
    claude: { model: ENABLED_MODEL, tools: 'Bash', allowedTools: 'Bash' },
    answer: toolAnswer,
    drive: typedDuringTool,
  },
  {
    name: 'teapot-merge',
    description: 'Two text/plain 418 answers ("mmstatus", then "mmexec"), then "next please" answered normally.',
    keep: ['mmstatus', 'mmexec', 'next please'],
    claude: { model: ADAPTIVE_MODEL },
    answer: (_b, _r, i) => (i < 2 ? { teapot: 'mmexec: current provider: Anthropic' } : { text: 'ok' }),
    async drive(ctx) {
      await ctx.claude.turn('mmstatus');
      await ctx.claude.turn('mmexec');
      await ctx.claude.turn('next please');
    },
  },
  {
    name: 'trigger-prompt',
    description: `"mmexec refactor the module" as the first prompt on ${ADAPTIVE_MODEL} with the Bash tool on: a whole first request.`,
    keep: ['mmexec refactor the module'],
    claude: { model: ADAPTIVE_MODEL, tools: 'Bash', allowedTools: 'Bash' },
    answer: () => ({ text: 'ok' }),
    drive: async (ctx) => {
      await ctx.claude.turn('mmexec refactor the module');
    },
  },
  {
    name: 'model-discovery',
    description: `CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1; GET /v1/models lists ${DISCOVERY_MODELS.join(', ')}. Notes give what Claude Code kept (its gateway-models.json cache) and the initialize control response's models.`,
    keep: ['hello discovery'],
    claude: { model: ADAPTIVE_MODEL, env: { CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' } },
    models: DISCOVERY_MODELS,
    answer: () => ({ text: 'ok' }),
    async drive(ctx) {
      ctx.claude.send({ type: 'control_request', request_id: 'init-1', request: { subtype: 'initialize' } });
      await ctx.claude.turn('hello discovery');
      await settle(ctx, 1500);
      const init = ctx.claude.events.find((e) => e.type === 'control_response');
      const models = ((init?.response as { response?: { models?: { value: string }[] } } | undefined)?.response?.models ?? []).map((m) => m.value);
      ctx.notes.push(`initialize control response models: ${JSON.stringify(models)}`);
      const cache = findFile(ctx.claude.home, 'gateway-models.json');
      ctx.notes.push(cache ? `${relative(ctx.claude.home, cache)}: ${readFileSync(cache, 'utf8').replace(/"fetchedAt":\d+/, '"fetchedAt":0')}` : 'no gateway-models.json written');
    },
  },
  {
    name: 'hint-headers',
    description: 'CLAUDE_CODE_GATEWAY_HINT_HEADERS=1 with nonessential traffic allowed (title and other side requests), two plain prompts.',
    keep: ['hello hints', 'second message'],
    claude: { model: ADAPTIVE_MODEL, nonessentialTraffic: true, env: { CLAUDE_CODE_GATEWAY_HINT_HEADERS: '1' } },
    answer: () => ({ text: 'ok' }),
    async drive(ctx) {
      await plainTurns('hello hints', 'second message')(ctx);
      await settle(ctx);
    },
  },
  {
    name: 'subagent',
    description: `The Agent tool (allowed) runs a general-purpose subagent ("${SUBAGENT_PROMPT}"), with CLAUDE_CODE_GATEWAY_HINT_HEADERS=1.`,
    keep: ['delegate this', SUBAGENT_PROMPT],
    claude: { model: ADAPTIVE_MODEL, tools: 'Agent', allowedTools: 'Agent', env: { CLAUDE_CODE_GATEWAY_HINT_HEADERS: '1' } },
    answer: subagentAnswer,
    async drive(ctx) {
      await ctx.claude.turn('please delegate this');
      await settle(ctx);
    },
  },
];
