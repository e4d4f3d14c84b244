/**
 * Builders for Claude Code-shaped Messages API bodies: system prompt array, tool catalogue and agentic turns.
 */
import { Prng } from './prng.js';
import { anthropicSignature, minimaxSignature } from './signatures.js';

/** A JSON object as sent on the wire. */
export type Json = Record<string, unknown>;

/** Which provider signed the thinking blocks in the history. */
export type ThinkingOrigin = 'anthropic' | 'minimax';

const TOOL_NAMES = [
  'Agent', 'AskUserQuestion', 'Bash', 'CronCreate', 'CronDelete', 'CronList', 'Edit', 'EnterPlanMode',
  'EnterWorktree', 'ExitPlanMode', 'ExitWorktree', 'Glob', 'Grep', 'Monitor', 'NotebookEdit', 'PushNotification',
  'Read', 'RemoteTrigger', 'ScheduleWakeup', 'Skill', 'TaskOutput', 'TaskStop', 'TodoWrite', 'WebFetch',
  'WebSearch', 'Write',
] as const;

/** The tool catalogue: `count` tools with descriptions and JSON-schema inputs, as Claude Code sends them. */
export function buildTools(prng: Prng, count: number): Json[] {
  const tools: Json[] = [];
  for (let i = 0; i < count; i++) {
    const properties: Json = {};
    const required: string[] = [];
    const propCount = prng.int(2, 6);
    for (let p = 0; p < propCount; p++) {
      const name = `${prng.pick(['file', 'path', 'command', 'pattern', 'limit', 'offset', 'prompt', 'query'])}_${p}`;
      const kind = prng.pick(['string', 'number', 'boolean', 'string'] as const);
      properties[name] = { description: prng.text(prng.int(40, 160)), type: kind };
      if (p < 2) required.push(name);
    }
    tools.push({
      description: prng.text(prng.int(300, 900)),
      input_schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        additionalProperties: false,
        properties,
        required,
        type: 'object',
      },
      name: TOOL_NAMES[i % TOOL_NAMES.length] + (i >= TOOL_NAMES.length ? `_${i}` : ''),
    });
  }
  return tools;
}

/** Claude Code's system array: billing header, identity line, long instructions (padded to `promptChars`). */
export function buildSystem(prng: Prng, promptChars: number): Json[] {
  const cache = { ttl: '1h', type: 'ephemeral' };
  return [
    { text: 'x-anthropic-billing-header: cc_version=2.1.197.3dd; cc_entrypoint=cli; cch=517a4;', type: 'text' },
    {
      cache_control: cache,
      text: "You are Claude Code, Anthropic's official CLI for Claude, running within the Claude Agent SDK.",
      type: 'text',
    },
    { cache_control: cache, text: prng.text(promptChars), type: 'text' },
  ];
}

/** A user message the way Claude Code sends typed text: system reminders first, the typed text last. */
export function userTextMessage(prng: Prng, typed: string, reminders: number): Json {
  const content: Json[] = [];
  for (let i = 0; i < reminders; i++) {
    content.push({ text: `<system-reminder>\n${prng.text(prng.int(120, 400))}\n</system-reminder>`, type: 'text' });
  }
  content.push({ cache_control: { ttl: '1h', type: 'ephemeral' }, text: typed, type: 'text' });
  return { content, role: 'user' };
}

/** A signed thinking block from the given provider. */
export function thinkingBlock(prng: Prng, origin: ThinkingOrigin, chars: number): Json {
  const thinking = prng.text(chars);
  const signature = origin === 'minimax' ? minimaxSignature(thinking) : anthropicSignature(prng);
  return { signature, thinking, type: 'thinking' };
}

/** One tool-loop step: an assistant turn (thinking, text, tool_use) and the user turn with its tool_result. */
export function toolStep(prng: Prng, origin: ThinkingOrigin, step: number, resultChars: number): [Json, Json] {
  const id = `toolu_01${prng.bytes(16).toString('base64url').slice(0, 22)}`;
  const assistant: Json = {
    content: [
      thinkingBlock(prng, origin, prng.int(200, 900)),
      { text: prng.text(prng.int(40, 200)), type: 'text' },
      {
        id,
        input: { command: `step ${step}: ${prng.text(prng.int(20, 80))}`, description: prng.text(30) },
        name: prng.pick(['Bash', 'Read', 'Edit', 'Grep', 'Write']),
        type: 'tool_use',
      },
    ],
    role: 'assistant',
  };
  const user: Json = {
    content: [{ content: prng.text(resultChars), tool_use_id: id, type: 'tool_result' }],
    role: 'user',
  };
  return [assistant, user];
}

/** A closing assistant turn (thinking and text, no tool call). */
export function finalAssistant(prng: Prng, origin: ThinkingOrigin): Json {
  return {
    content: [thinkingBlock(prng, origin, prng.int(200, 600)), { text: prng.text(prng.int(80, 300)), type: 'text' }],
    role: 'assistant',
  };
}

/** The top-level fields Claude Code sends around `system`, `tools` and `messages`. */
export function envelope(sessionId: string, stream: boolean, system: Json[], tools: Json[], messages: Json[]): Json {
  const userId = JSON.stringify({
    device_id: 'b4e5978bc87d029bbe5c2a4c18219e7974a8cc6077eaee2e118be141b9d48de7',
    account_uuid: '47dd0c1e-0000-4000-8000-000000000000',
    session_id: sessionId,
  });
  return {
    context_management: { edits: [{ keep: 'all', type: 'clear_thinking_20251015' }] },
    max_tokens: 64000,
    messages,
    metadata: { user_id: userId },
    model: 'claude-opus-4-8',
    output_config: { effort: 'high' },
    stream,
    system,
    thinking: { type: 'adaptive' },
    tools,
  };
}
