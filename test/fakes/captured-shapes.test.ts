/**
 * The fakes read the user's words the way each Claude Code release of the matrix writes them: checked on the
 * captured requests of test/fixtures/claude-code (cut, but user texts and wrappers are kept whole).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { MATRIX_VERSIONS } from '../support/claude-releases.js';
import { inToolLoop, lastUserText, typedText, type MessagesBody } from '../support/fake-upstream-common.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/claude-code/', import.meta.url));

interface Fixture {
  requests: { method: string; path: string; headers: Record<string, string>; body?: MessagesBody }[];
}

/** The bodies of the main agent's Messages requests (title and subagent requests left out). */
function mainBodies(version: string, scenario: string): MessagesBody[] {
  const f = JSON.parse(readFileSync(join(FIXTURES, version, `${scenario}.json`), 'utf8')) as Fixture;
  return f.requests
    .filter((r) => r.method === 'POST' && r.path.startsWith('/v1/messages?') && !r.headers['x-claude-code-agent-id'])
    .map((r) => r.body!)
    .filter((b) => b.thinking?.type !== 'disabled');
}

/** What the user said on each main request of a scenario ('' for a tool-result request without typed words). */
const EXPECTED: Record<string, string[]> = {
  'plain-adaptive': ['hello plain', 'second message'],
  'plain-enabled': ['hello enabled', 'second message'],
  'tool-loop': ['please run the tool', '', 'after the loop'],
  'typed-during-tool-adaptive': ['please run the tool', 'mmrelease stop here'],
  'typed-during-tool-enabled': ['please run the tool', 'mmrelease stop here'],
  'teapot-merge': ['mmstatus', 'mmexec', 'next please'],
  'hint-headers': ['hello hints', 'second message'],
};

describe('the fakes read captured Claude Code requests', () => {
  it('has a fixture directory for every release of the matrix', () => {
    const dirs = readdirSync(FIXTURES);
    for (const v of MATRIX_VERSIONS) assert.ok(dirs.includes(v), `test/fixtures/claude-code/${v}/ is missing`);
  });

  for (const version of MATRIX_VERSIONS) {
    for (const [scenario, want] of Object.entries(EXPECTED)) {
      it(`finds the user's words in ${version} ${scenario}`, () => {
        assert.deepEqual(mainBodies(version, scenario).map(lastUserText), want);
      });
    }

    it(`sees ${version}'s tool loops and background-agent notifications as no words`, () => {
      const loop = mainBodies(version, 'tool-loop');
      assert.deepEqual(loop.map(inToolLoop), [false, true, false]);
      const sub = mainBodies(version, 'subagent');
      assert.equal(lastUserText(sub[0]!), 'please delegate this');
      for (const b of sub.slice(1)) assert.equal(lastUserText(b), '', 'a tool result or a task notification is not typed text');
    });
  }

  it('unwraps typed text up to either release instruction or the end of its reminder', () => {
    const w = 'The user sent a new message while you were working:\n';
    assert.equal(typedText(`${w}two\nlines\n\nIMPORTANT: After completing your current task, you MUST address it.`), 'two\nlines');
    assert.equal(typedText(`done\n\n<system-reminder>\n${w}stop\n</system-reminder>`), 'stop');
    assert.equal(typedText(`${w}stop\n\nThis is how Claude Code surfaces messages …\n\n<total_tokens>1</total_tokens>`), 'stop');
    assert.equal(typedText('no wrapper here'), undefined);
  });
});
