import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { openaiChat } from '../../../../src/protocols/openai-chat/index.js';
import { checkChatRequest } from '../../../support/openai-chat-validation.js';

type Obj = Record<string, unknown>;

function translate(body: Obj, opts: { reasoningContent?: boolean; systemRole?: 'system' | 'developer' } = {}): { body: Obj; notes: string[] } {
  const t = openaiChat.translateRequest({ model: 'claude-sonnet-4-6', max_tokens: 1000, ...body }, { model: 'gpt-5.4-mini', ...opts });
  const refused = checkChatRequest(t.body, { reasoningContent: opts.reasoningContent });
  assert.equal(refused, null, `a strict endpoint accepts it: ${refused}`);
  return t as { body: Obj; notes: string[] };
}

const user = (content: unknown): Obj => ({ role: 'user', content });
const toolUse = (id: string, name: string, input: unknown): Obj => ({ type: 'tool_use', id, name, input });

describe('openai-chat request translation', () => {
  it('sends the system prompt (string or blocks) as one system message, or developer when set', () => {
    const a = translate({ system: 'be brief', messages: [user('hi')] });
    assert.deepEqual((a.body.messages as Obj[])[0], { role: 'system', content: 'be brief' });
    const b = translate({ system: [{ type: 'text', text: 'one', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'two' }], messages: [user('hi')] }, { systemRole: 'developer' });
    assert.deepEqual((b.body.messages as Obj[])[0], { role: 'developer', content: 'one\n\ntwo' });
  });

  it('maps the model, max_tokens, stop sequences, sampling and streaming', () => {
    const t = translate({ messages: [user('hi')], stop_sequences: ['END', 'STOP'], temperature: 0.2, top_p: 0.9, stream: true });
    assert.equal(t.body.model, 'gpt-5.4-mini');
    assert.equal(t.body.max_completion_tokens, 1000);
    assert.deepEqual(t.body.stop, ['END', 'STOP']);
    assert.equal(t.body.temperature, 0.2);
    assert.equal(t.body.top_p, 0.9);
    assert.equal(t.body.stream, true);
    assert.deepEqual(t.body.stream_options, { include_usage: true });
    assert.equal('max_tokens' in t.body, false);
  });

  it('keeps only four stop sequences and says so', () => {
    const t = translate({ messages: [user('hi')], stop_sequences: ['a', 'b', 'c', 'd', 'e'] });
    assert.deepEqual(t.body.stop, ['a', 'b', 'c', 'd']);
    assert.ok(t.notes.some((n) => n.includes('stop sequences')));
  });

  const efforts: Array<[Obj, string | undefined]> = [
    [{ thinking: { type: 'enabled', budget_tokens: 1024 } }, 'low'],
    [{ thinking: { type: 'enabled', budget_tokens: 8000 } }, 'medium'],
    [{ thinking: { type: 'enabled', budget_tokens: 31999 } }, 'high'],
    [{ thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } }, 'medium'],
    [{ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } }, 'max'],
    [{ thinking: { type: 'adaptive' } }, undefined],
    [{ thinking: { type: 'disabled' } }, undefined],
  ];
  for (const [fields, effort] of efforts) {
    it(`maps ${JSON.stringify(fields)} to reasoning_effort ${effort ?? '(none)'}`, () => {
      assert.equal(translate({ messages: [user('hi')], ...fields }).body.reasoning_effort, effort);
    });
  }

  it('sends images as data URLs or URLs, and PDFs as files', () => {
    const t = translate({
      messages: [user([
        { type: 'text', text: 'look' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
      ])],
    });
    assert.deepEqual((t.body.messages as Obj[])[0], {
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
      ],
    });
  });

  it('turns parallel tool_use into tool_calls with their ids, and tool_result into tool messages before the user text', () => {
    const t = translate({
      messages: [
        user('list and read'),
        { role: 'assistant', content: [{ type: 'text', text: 'doing both' }, toolUse('toolu_1', 'Bash', { command: 'ls' }), toolUse('toolu_2', 'Read', { file_path: '/a' })] },
        user([
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a b' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'no such file' }], is_error: true },
          { type: 'text', text: 'go on' },
        ]),
      ],
    });
    const m = t.body.messages as Obj[];
    assert.deepEqual(m[1], {
      role: 'assistant',
      content: 'doing both',
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'Bash', arguments: '{"command":"ls"}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'Read', arguments: '{"file_path":"/a"}' } },
      ],
    });
    assert.deepEqual(m.slice(2), [
      { role: 'tool', tool_call_id: 'toolu_1', content: 'a b' },
      { role: 'tool', tool_call_id: 'toolu_2', content: '[tool error] no such file' },
      { role: 'user', content: 'go on' },
    ]);
  });

  it('moves an image of a tool result into a user message after the tool messages', () => {
    const t = translate({
      messages: [
        user('read it'),
        { role: 'assistant', content: [toolUse('toolu_1', 'Read', { file_path: '/a.png' })] },
        user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }]),
      ],
    });
    const m = t.body.messages as Obj[];
    assert.equal(m[1]!.content, null);
    assert.deepEqual(m.slice(2), [
      { role: 'tool', tool_call_id: 'toolu_1', content: '' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
    ]);
    assert.ok(t.notes.some((n) => n.includes('image of a tool result')));
  });

  it('sends earlier thinking back as reasoning_content only when asked, else drops it with a note', () => {
    const history = [user('q'), { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: '' }, { type: 'text', text: 'a' }] }, user('more')];
    const kept = translate({ messages: history }, { reasoningContent: true });
    assert.equal((kept.body.messages as Obj[])[1]!.reasoning_content, 'hmm');
    const dropped = translate({ messages: history });
    assert.equal('reasoning_content' in (dropped.body.messages as Obj[])[1]!, false);
    assert.ok(dropped.notes.some((n) => n.includes('thinking of an earlier assistant turn')));
  });

  it('makes function tools of custom tools, cleans their schemas, drops server tools and bad names', () => {
    const t = translate({
      messages: [user('hi')],
      tools: [
        { name: 'Bash', description: 'run', input_schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { command: { type: 'string' } }, required: ['command'], additionalProperties: false } },
        { name: 'NoArgs', input_schema: { type: 'object' } },
        { type: 'web_search_20250305', name: 'web_search' },
        { name: 'has space', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    assert.deepEqual(t.body.tools, [
      { type: 'function', function: { name: 'Bash', description: 'run', parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'], additionalProperties: false } } },
      { type: 'function', function: { name: 'NoArgs', parameters: { type: 'object', properties: {} } } },
    ]);
    assert.equal(t.body.tool_choice, 'required');
    assert.equal(t.body.parallel_tool_calls, false);
    assert.equal(t.notes.filter((n) => n.startsWith('dropped: server tool') || n.startsWith('dropped: tool "')).length, 2);
  });

  const choices: Array<[Obj, unknown]> = [
    [{ type: 'auto' }, 'auto'],
    [{ type: 'any' }, 'required'],
    [{ type: 'none' }, 'none'],
    [{ type: 'tool', name: 'Bash' }, { type: 'function', function: { name: 'Bash' } }],
  ];
  for (const [choice, expected] of choices) {
    it(`maps tool_choice ${JSON.stringify(choice)}`, () => {
      const t = translate({ messages: [user('hi')], tools: [{ name: 'Bash', input_schema: { type: 'object', properties: {} } }], tool_choice: choice });
      assert.deepEqual(t.body.tool_choice, expected);
    });
  }

  it('drops what Chat Completions cannot carry, one note each, and sends nothing of it', () => {
    const t = translate({ messages: [user('hi')], metadata: { user_id: 'u' }, top_k: 5, context_management: { edits: [] }, output_config: { effort: 'low', format: { type: 'json_schema' } } });
    for (const k of ['metadata', 'top_k', 'context_management', 'output_config']) assert.equal(k in t.body, false, k);
    assert.deepEqual(t.notes.filter((n) => /metadata|top_k|context_management|output_config\.format/.test(n)).length, 4);
  });
});

describe('openai-chat translation of captured Claude Code requests', () => {
  const dir = new URL('../../../fixtures/claude-code/', import.meta.url);
  for (const release of readdirSync(dir).filter((d) => /^\d+\.\d+\.\d+$/.test(d))) {
    for (const file of readdirSync(new URL(`${release}/`, dir)).filter((f) => f.endsWith('.json'))) {
      const capture = JSON.parse(readFileSync(new URL(`${release}/${file}`, dir), 'utf8')) as { requests?: Array<{ method: string; path: string; body?: Obj }> };
      const bodies = (capture.requests ?? []).filter((r) => r.method === 'POST' && r.path.split('?')[0] === '/v1/messages' && r.body);
      if (bodies.length === 0) continue;
      it(`translates the ${bodies.length} Messages request(s) of ${release}/${file} to requests a strict endpoint accepts`, () => {
        for (const r of bodies) {
          const t = openaiChat.translateRequest(r.body!, { model: 'gpt-5.4' });
          assert.equal(checkChatRequest(t.body), null);
          const sent = t.body as Obj;
          if (Array.isArray(r.body!.tools) && r.body!.tools.length > 0) assert.ok(Array.isArray(sent.tools) && sent.tools.length > 0, 'Claude Code\'s tools are sent');
          assert.equal(sent.stream, r.body!.stream === true ? true : undefined);
        }
      });
    }
  }
});
