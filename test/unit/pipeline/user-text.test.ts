/** Where the user's words are, in every shape Claude Code writes them (see docs/claude-code-compatibility.md). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '../../../src/pipeline/messages.js';
import { replaceWords, TYPED_WHILE_WORKING, userTextOf, wordsOf } from '../../../src/pipeline/user-text.js';
import { literalOf } from '../../../src/transforms/strip-earlier-triggers.js';

const reminder = { type: 'text', text: '<system-reminder>\nskills are available\n</system-reminder>' };
const toolUse = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'sleep 3' } }] };
const toolResult = { type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' };
/** The instructions Claude Code writes after typed text (2.1.197; 2.1.250 and later), as captured. */
const TRAILER_OLD = "IMPORTANT: After completing your current task, you MUST address the user's message above. Do not ignore it.";
const TRAILER_NEW =
  'This is how Claude Code surfaces messages the user sends mid-turn — within the running turn, often alongside the next tool result, rather than as a separate conversation turn. Address the message above as you continue this turn.';
const typed = (words: string, trailer = TRAILER_NEW): string => `${TYPED_WHILE_WORKING}\n${words}\n\n${trailer}`;

interface Case {
  name: string;
  messages: unknown[];
  words: string | undefined;
  /** Where the words sit: [message, block, inner]. */
  place?: [number, number, number?];
}

const cases: Case[] = [
  { name: 'string content of the last user turn', messages: [{ role: 'user', content: 'mmexec fix it' }], words: 'mmexec fix it', place: [0, -1] },
  { name: 'the last text block, after system reminders', messages: [{ role: 'user', content: [reminder, { type: 'text', text: 'hi' }] }], words: 'hi', place: [0, 1] },
  {
    name: 'the last user turn before trailing system turns',
    messages: [
      { role: 'user', content: [reminder, { type: 'text', text: 'mmexec go' }] },
      { role: 'system', content: '<total_tokens>1000 tokens left</total_tokens>' },
      { role: 'system', content: [{ type: 'text', text: '# Environment\ncwd: /tmp' }] },
    ],
    words: 'mmexec go',
    place: [0, 1],
  },
  {
    name: 'typed during a tool run, as a trailing system turn',
    messages: [{ role: 'user', content: 'run it' }, toolUse, { role: 'user', content: [toolResult] }, { role: 'system', content: typed('mmrelease stop here') }],
    words: 'mmrelease stop here',
    place: [3, -1],
  },
  {
    name: 'typed during a tool run, as a text block of the tool_result turn',
    messages: [{ role: 'user', content: 'run it' }, toolUse, { role: 'user', content: [toolResult, { type: 'text', text: typed('mmrelease stop here') }] }],
    words: 'mmrelease stop here',
    place: [2, 1],
  },
  {
    name: 'typed during a tool run, inside the tool_result content',
    messages: [
      { role: 'user', content: 'run it' },
      toolUse,
      { role: 'user', content: [{ ...toolResult, content: [{ type: 'text', text: 'done' }, { type: 'text', text: typed('mmrelease stop here') }] }] },
    ],
    words: 'mmrelease stop here',
    place: [2, 0, 1],
  },
  {
    name: 'typed during a tool run, in a string tool_result content',
    messages: [{ role: 'user', content: 'run it' }, toolUse, { role: 'user', content: [{ ...toolResult, content: `done\n\n${typed('mmexec go on')}` }] }],
    words: 'mmexec go on',
    place: [2, 0, -1],
  },
  { name: 'nothing in a tool loop turn of tool results only', messages: [{ role: 'user', content: 'run it' }, toolUse, { role: 'user', content: [toolResult] }], words: undefined },
  {
    name: "nothing in a tool loop turn's own text blocks (the client's, not the user's)",
    messages: [{ role: 'user', content: 'run it' }, toolUse, { role: 'user', content: [toolResult, reminder] }],
    words: undefined,
  },
  {
    name: 'nothing from trailing system turns without typed text, before a tool loop turn',
    messages: [{ role: 'user', content: 'mmexec go' }, toolUse, { role: 'user', content: [toolResult] }, { role: 'system', content: '<total_tokens>9</total_tokens>' }],
    words: undefined,
  },
  { name: 'nothing when the request ends on an assistant turn', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hel' }], words: undefined },
  { name: 'the typed text after a teapot merge', messages: [{ role: 'user', content: [{ type: 'text', text: 'mmstatus\n' }, { type: 'text', text: 'next please' }] }], words: 'next please' },
  { name: 'nothing for an empty array', messages: [], words: undefined },
  {
    name: 'typed text in a 2.1.197 system turn with its instruction after it',
    messages: [{ role: 'user', content: [toolResult] }, { role: 'system', content: typed('mmrelease stop here', TRAILER_OLD) }],
    words: 'mmrelease stop here',
  },
  {
    name: 'typed text in a 2.1.250 system turn followed by a token reminder in the same text',
    messages: [{ role: 'user', content: [toolResult] }, { role: 'system', content: [{ type: 'text', text: `${typed('mmexec a\n\nb')}\n\n<total_tokens>9 tokens left</total_tokens>` }] }],
    words: 'mmexec a\n\nb',
  },
  {
    name: 'typed text in a reminder of a tool_result string, followed by another reminder',
    messages: [
      {
        role: 'user',
        content: [{ ...toolResult, content: `done\n\n<system-reminder>\n${typed('mmrelease now')}\n</system-reminder>\n\n<system-reminder>\n<total_tokens>9</total_tokens>\n</system-reminder>` }],
      },
    ],
    words: 'mmrelease now',
  },
  {
    name: "nothing in a background agent's notification turn",
    messages: [{ role: 'user', content: [{ type: 'text', text: '<system-reminder>\n[SYSTEM NOTIFICATION - NOT USER INPUT]\n<task-notification>done</task-notification>' }] }],
    words: undefined,
  },
  {
    name: 'the typed text before a reminder block that follows it',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'mmexec go' }, reminder] }],
    words: 'mmexec go',
  },
];

describe('the user text locator', () => {
  for (const c of cases) {
    it(`finds ${c.name}`, () => {
      const at = userTextOf(c.messages);
      assert.equal(at && wordsOf(at), c.words);
      if (c.place) assert.deepEqual([at!.message, at!.block, at!.inner], [c.place[0], c.place[1], c.place[2]]);
    });
  }

  it('replaces the words and keeps the wrapper around them', () => {
    const messages = [{ role: 'user', content: [toolResult, { type: 'text', text: typed('mmrelease stop here') }] }] as Message[];
    const at = userTextOf(messages)!;
    replaceWords(messages[0]!, at, 'stop here');
    assert.deepEqual(messages[0]!.content, [toolResult, { type: 'text', text: typed('stop here') }], 'the instruction after the words stays too');
  });

  it('replaces words inside a tool_result content array', () => {
    const result = { ...toolResult, content: [{ type: 'text', text: 'done' }, { type: 'text', text: typed('mmexec x') }] };
    const messages = [{ role: 'user', content: [result] }] as Message[];
    replaceWords(messages[0]!, userTextOf(messages)!, 'x');
    assert.deepEqual((messages[0]!.content as unknown as Array<{ content: unknown }>)[0]!.content, [{ type: 'text', text: 'done' }, { type: 'text', text: typed('x') }]);
  });
});

describe('the literal word a trigger match needs', () => {
  const table: Array<[Parameters<typeof literalOf>[0], string | undefined]> = [
    [{ regex: '^\\s*mmexec(\\s|$)' }, 'mmexec'],
    [{ regex: '^\\s*mmrelease(\\s|$)' }, 'mmrelease'],
    [{ regex: '^go(\\s|$)' }, undefined],
    [{ regex: 'a|mmexec' }, undefined],
    [{ regex: '^mmexecs?' }, 'mmexec'],
    [{ prefix: 'mmexec ' }, 'mmexec'],
    [{ regex: '^\\s*mmexec', ignore_case: true }, undefined],
  ];
  for (const [m, want] of table) {
    it(`is ${JSON.stringify(want)} for ${JSON.stringify(m)}`, () => assert.equal(literalOf(m), want));
  }
});
