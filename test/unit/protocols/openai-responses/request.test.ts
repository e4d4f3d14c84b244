import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openaiResponses } from '../../../../src/protocols/openai-responses/index.js';
import { encodeReasoningSignature } from '../../../../src/protocols/openai-responses/reasoning-signature.js';
import { builtRequests } from '../../../support/claude-code-bodies.js';
import { claudeCodeRequest } from './claude-code-arbitrary.js';
import { requestErrors } from '../../../support/openai-responses-schemas.js';

type Obj = Record<string, unknown>;
const translate = (body: Obj, model?: string): { body: Obj; notes: string[] } => {
  const t = openaiResponses.translateRequest(body, { model });
  return { body: t.body as Obj, notes: t.notes };
};

/** Every Messages request body of the Claude Code captures, all releases (test/fixtures/claude-code). */
function capturedBodies(): Array<[string, Obj]> {
  const root = new URL('../../../fixtures/claude-code/', import.meta.url);
  const out: Array<[string, Obj]> = [];
  for (const release of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(new URL(`${release.name}/`, root)).filter((f) => f.endsWith('.json'))) {
      const cap = JSON.parse(readFileSync(new URL(`${release.name}/${file}`, root), 'utf8')) as Obj;
      const bodies = Array.isArray(cap.requests) ? (cap.requests as Obj[]).map((r) => r.body as Obj) : [cap];
      bodies.forEach((b, i) => {
        if (b && Array.isArray(b.messages)) out.push([`${release.name}/${file} #${i + 1}`, b]);
      });
    }
  }
  return out;
}

describe('request translation against the CreateResponse schema', () => {
  it('has a validator that rejects what the API rejects', () => {
    assert.notDeepEqual(requestErrors({ model: 'gpt-5.4', stop: ['x'] }), []);
    assert.notDeepEqual(requestErrors({ model: 'gpt-5.4', max_output_tokens: 8 }), []);
    assert.notDeepEqual(requestErrors({ model: 'gpt-5.4', input: [{ type: 'message', role: 'user', content: [{ type: 'text', text: 'hi' }] }] }), []);
    assert.notDeepEqual(requestErrors({ model: 'gpt-5.4', tools: [{ type: 'function', name: 'x', parameters: {} }] }), []);
    assert.deepEqual(requestErrors({ model: 'gpt-5.4', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] }), []);
  });

  const bodies = capturedBodies();
  it(`accepts the translation of every captured Claude Code request (${bodies.length})`, () => {
    assert.ok(bodies.length > 50);
    for (const [name, body] of bodies) assert.deepEqual(requestErrors(translate(body, 'gpt-5.4').body), [], name);
  });

  for (const r of builtRequests()) {
    it(`accepts the translation of the built request ${r.name}`, () => {
      assert.deepEqual(requestErrors(translate(r.body, 'gpt-5.4').body), []);
    });
  }

  it('accepts the translation of any request of the shapes Claude Code sends', () => {
    fc.assert(
      fc.property(claudeCodeRequest(), (body) => {
        const t = translate(body);
        assert.deepEqual(requestErrors(t.body), []);
        assert.ok(t.notes.every((n) => typeof n === 'string' && n !== ''));
      }),
      { numRuns: 300 },
    );
  });
});

describe('request translation of bad input', () => {
  it('never throws, whatever the fields hold', () => {
    const keys = ['model', 'system', 'messages', 'tools', 'tool_choice', 'max_tokens', 'thinking', 'output_config', 'temperature', 'stream'];
    const field = fc.oneof(fc.jsonValue(), fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool'), content: fc.oneof(fc.jsonValue(), fc.array(fc.record({ type: fc.constantFrom('text', 'image', 'tool_use', 'tool_result', 'thinking', 'document'), text: fc.jsonValue(), source: fc.jsonValue(), content: fc.jsonValue(), signature: fc.jsonValue() }, { requiredKeys: ['type'] }))) }, { requiredKeys: [] })));
    fc.assert(
      fc.property(fc.record(Object.fromEntries(keys.map((k) => [k, field])), { requiredKeys: [] }), (body) => {
        const t = openaiResponses.translateRequest(body, { model: undefined });
        assert.equal(typeof JSON.stringify(t.body), 'string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('request translation', () => {
  it('maps the top-level fields and always asks for a stateless, encrypted-reasoning answer', () => {
    const { body, notes } = translate(
      {
        model: 'claude-opus-4-8',
        system: [
          { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.d4a; cc_entrypoint=sdk-cli;' },
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two', cache_control: { type: 'ephemeral' } },
        ],
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 32000,
        temperature: 0.5,
        top_p: 0.9,
        top_k: 5,
        stop_sequences: ['END'],
        thinking: { type: 'enabled', budget_tokens: 31999 },
        stream: true,
      },
      'gpt-5.4',
    );
    assert.deepEqual(body, {
      model: 'gpt-5.4',
      instructions: 'one\n\ntwo',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      max_output_tokens: 32000,
      temperature: 0.5,
      top_p: 0.9,
      reasoning: { summary: 'auto', effort: 'high' },
      include: ['reasoning.encrypted_content'],
      store: false,
      stream: true,
    });
    assert.ok(notes.includes('top_k was dropped (no Responses counterpart)'));
    assert.ok(notes.includes('stop_sequences was dropped (no Responses counterpart)'));
    assert.ok(notes.some((n) => n.startsWith('cache_control')));
    assert.ok(notes.includes('the x-anthropic-billing-header system block was dropped'));
  });

  const reasoningCases: Array<[string, Obj, unknown]> = [
    ['adaptive thinking with effort high', { thinking: { type: 'adaptive' }, output_config: { effort: 'high' } }, { summary: 'auto', effort: 'high' }],
    ['adaptive thinking alone', { thinking: { type: 'adaptive' } }, { summary: 'auto' }],
    ['a 2k thinking budget', { thinking: { type: 'enabled', budget_tokens: 2048 } }, { summary: 'auto', effort: 'low' }],
    ['a 10k thinking budget', { thinking: { type: 'enabled', budget_tokens: 10000 } }, { summary: 'auto', effort: 'medium' }],
    ['effort max', { thinking: { type: 'adaptive' }, output_config: { effort: 'max' } }, { summary: 'auto', effort: 'high' }],
    ['disabled thinking', { thinking: { type: 'disabled' } }, undefined],
  ];
  for (const [name, extra, want] of reasoningCases) {
    it(`sends reasoning ${JSON.stringify(want)} for ${name}`, () => {
      const { body } = translate({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 100, ...extra });
      assert.deepEqual(body.reasoning, want);
      assert.deepEqual(body.include, want ? ['reasoning.encrypted_content'] : undefined);
    });
  }

  it('turns a tool loop into message, reasoning, function_call and function_call_output items in order', () => {
    const signature = encodeReasoningSignature({ id: 'rs_1', encryptedContent: 'ENC', summarised: true });
    const { body, notes } = translate({
      model: 'm',
      max_tokens: 100,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'run it' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Plan.', signature },
            { type: 'thinking', thinking: 'Anthropic thought', signature: 'EqQBCkYIBxgCKkAv' },
            { type: 'text', text: 'Running.' },
            { type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'no such file', is_error: true }, { type: 'text', text: 'hm' }] },
      ],
    });
    assert.deepEqual(body.input, [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'run it' }, { type: 'input_image', image_url: 'data:image/jpeg;base64,AAAA', detail: 'auto' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Plan.' }], encrypted_content: 'ENC' },
      { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Running.', annotations: [], logprobs: [] }] },
      { type: 'function_call', call_id: 'toolu_01', name: 'Bash', arguments: '{"command":"ls"}' },
      { type: 'function_call_output', call_id: 'toolu_01', output: '[tool error] no such file' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hm' }] },
    ]);
    assert.ok(notes.includes('thinking blocks not produced by an openai-responses upstream were dropped'));
  });

  it('sends a tool result holding an image as a list of input parts', () => {
    const { body } = translate({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'shot' }, { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }] }],
    });
    assert.deepEqual(body.input, [
      { type: 'function_call_output', call_id: 't1', output: [{ type: 'input_text', text: 'shot' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] },
    ]);
  });

  it('turns client tools into non-strict function tools, drops server tools and maps tool_choice', () => {
    const { body, notes } = translate({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        { name: 'Read', description: 'Reads', input_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { p: { type: 'string' } }, required: ['p'] } },
        { name: 'Later', input_schema: { type: 'object', properties: {} }, defer_loading: true },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    assert.deepEqual(body.tools, [
      { type: 'function', name: 'Read', description: 'Reads', parameters: { type: 'object', properties: { p: { type: 'string' } }, required: ['p'] }, strict: false },
      { type: 'function', name: 'Later', parameters: { type: 'object', properties: {} }, strict: false },
    ]);
    assert.equal(body.tool_choice, 'required');
    assert.equal(body.parallel_tool_calls, false);
    assert.ok(notes.includes('server tool web_search (web_search_20250305) was dropped'));
  });

  const choices: Array<[unknown, unknown]> = [
    [{ type: 'auto' }, 'auto'],
    [{ type: 'none' }, 'none'],
    [{ type: 'tool', name: 'Read' }, { type: 'function', name: 'Read' }],
  ];
  for (const [choice, want] of choices) {
    it(`maps tool_choice ${JSON.stringify(choice)} to ${JSON.stringify(want)}`, () => {
      const { body } = translate({ model: 'm', messages: [], tools: [{ name: 'Read', input_schema: { type: 'object' } }], tool_choice: choice });
      assert.deepEqual(body.tool_choice, want);
    });
  }

  it('raises a max_tokens below the Responses minimum of 16 and says so', () => {
    const { body, notes } = translate({ model: 'm', messages: [], max_tokens: 1 });
    assert.equal(body.max_output_tokens, 16);
    assert.ok(notes.some((n) => n.includes('raised to 16')));
  });

  it('carries a JSON schema output format as text.format', () => {
    const schema = { type: 'object', properties: { title: { type: 'string' } } };
    const { body } = translate({ model: 'm', messages: [], output_config: { format: { type: 'json_schema', schema } } });
    assert.deepEqual(body.text, { format: { type: 'json_schema', name: 'response', schema, strict: false } });
  });
});
