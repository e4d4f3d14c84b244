/**
 * The request bodies every JSONata expression is tried on at load. The first is a shortened Claude Code
 * 2.1.332 request from a tool loop (test/fixtures/claude-code/2.1.332/tool-loop.json, texts cut and the
 * tool schemas reduced); the second the smallest Messages API request. An expression that fails on both
 * fails on any request, so it is reported at load instead of at request time.
 */

/** A Claude Code request: billing block, system turns, thinking, a tool use and its result. */
export const CLAUDE_CODE_SAMPLE = {
  model: 'claude-opus-4-8',
  messages: [
    { role: 'user', content: [{ type: 'text', text: '<system-reminder>\nAttribution for git commits…\n</system-reminder>' }, { type: 'text', text: 'please run the tool' }] },
    { role: 'system', content: '# Environment\nYou have been invoked in the following environment: …' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Considering the request.', signature: 'c2FtcGxlIHNpZ25hdHVyZQ==' },
        { type: 'tool_use', id: 'toolu_a26476895d9738f0031870e4', name: 'Bash', input: { command: 'sleep 3; echo done', description: 'Wait and print done' } },
      ],
    },
    { role: 'user', content: [{ tool_use_id: 'toolu_a26476895d9738f0031870e4', type: 'tool_result', content: 'done', is_error: false }] },
    { role: 'assistant', content: [{ type: 'thinking', thinking: 'Considering the request.', signature: 'c2FtcGxlIHNpZ25hdHVyZQ==' }, { type: 'text', text: 'tool finished' }] },
    { role: 'user', content: 'after the loop' },
  ],
  system: [
    { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.d4a; cc_entrypoint=sdk-cli;' },
    { type: 'text', text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.", cache_control: { type: 'ephemeral' } },
  ],
  tools: [
    { name: 'Bash', description: 'Executes a bash command and returns its output.', input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
    { name: 'Read', description: 'Reads a file.', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
  ],
  metadata: { user_id: '{"device_id":"1112a9c27666f631","account_uuid":"","session_id":"79200821-669b-4f03-b610-56ac653f94a8"}' },
  max_tokens: 64000,
  thinking: { type: 'adaptive', display: 'updates' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  output_config: { effort: 'high' },
  stream: true,
};

/** The smallest request the Messages API accepts. */
export const MINIMAL_SAMPLE = { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };

/** Both samples as the JSON bytes an evaluation receives. */
export const SAMPLE_BODIES: readonly Uint8Array[] = [CLAUDE_CODE_SAMPLE, MINIMAL_SAMPLE].map((b) => new TextEncoder().encode(JSON.stringify(b)));
