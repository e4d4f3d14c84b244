import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { targetForConfig, targetForFile } from '../../src/rule-tests/collect.js';
import { runTarget } from '../../src/rule-tests/run.js';
import { ROOT, runCli } from '../support/run-cli.js';

// Own state directory per run: a fixed path would be shared with every other run on the machine.
const dir = mkdtempSync(join(tmpdir(), 'mmexec-rule-tests-'));
const env = { ...process.env, MMEXEC_HOME: join(dir, 'home') };
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mmexec test', () => {
  it('passes every test of the rules ./mmexec.yaml uses, classic included', async () => {
    const target = targetForConfig(`${ROOT}mmexec.yaml`, env);
    assert.ok(target.suites.some((s) => s.file.endsWith('classic.test.yaml')));
    const results = await runTarget(target, env);
    assert.ok(results.length >= 10, `only ${results.length} classic tests`);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => [r.name, ...r.diff]), []);
  });

  const presets = ['rules/background-to-haiku.yaml', 'rules/teapot-as-message.yaml', 'rules/subagents-to-minimax.yaml', 'rules/minimax-in-model-picker.yaml', 'rules/long-context.yaml', 'rules/model-map.yaml', 'examples/providers/deepseek.yaml', 'examples/providers/kimi.yaml', 'examples/providers/glm.yaml', 'examples/providers/ollama.yaml', 'examples/providers/qwen.yaml', 'examples/providers/openrouter.yaml', 'examples/providers/minimax-m3.yaml', 'examples/providers/openai.yaml', 'examples/providers/openai-responses.yaml', 'examples/providers/gemini.yaml', 'examples/providers/openrouter-chat.yaml', 'examples/providers/local.yaml'];
  for (const preset of presets) {
    it(`passes the tests shipped with ${preset}`, async () => {
      const results = await runTarget(targetForFile(`${ROOT}${preset}`, `${ROOT}mmexec.yaml`, env), env);
      assert.ok(results.length >= 3, `${preset} has ${results.length} tests`);
      assert.deepEqual(results.filter((r) => !r.ok).map((r) => [r.name, ...r.diff]), []);
    });
  }

  it('runs the tests of ./mmexec.yaml when given no files, and exits 0', async () => {
    const r = await runCli(['test', '--quiet'], { env: { MMEXEC_HOME: env.MMEXEC_HOME } });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /^(\d+) passed, 0 failed$/m);
  });

  it('prints a diff with the test position and exits 1 when a test fails', async () => {
    copyFileSync(`${ROOT}rules/classic.yaml`, join(dir, 'mine.yaml'));
    writeFileSync(join(dir, 'mine.test.yaml'), 'tests:\n  - name: ok one\n    text: mmexec\n    expect: { route: switch-to-minimax }\n  - name: wrong one\n    text: hello\n    expect: { route: trigger-minimax, sticky: minimax }\n');
    const r = await runCli(['test', join(dir, 'mine.yaml'), '--config', `${ROOT}mmexec.yaml`], { env: { MMEXEC_HOME: env.MMEXEC_HOME } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✓ ok one/);
    assert.match(r.stdout, /✗ wrong one \(.*mine\.test\.yaml:5:5\)/);
    assert.match(r.stdout, /- route: "trigger-minimax"\n\s+\+ route: "default-anthropic"/);
    assert.match(r.stdout, /- sticky: "minimax"\n\s+\+ sticky: "none"/);
    assert.match(r.stdout, /1 passed, 1 failed/);
  });

  it('reports a malformed test with its file position', async () => {
    copyFileSync(`${ROOT}rules/classic.yaml`, join(dir, 'bad.yaml'));
    writeFileSync(join(dir, 'bad.test.yaml'), 'tests:\n  - name: no expectations\n    text: hi\n');
    const r = await runCli(['test', join(dir, 'bad.test.yaml')], { env: { MMEXEC_HOME: env.MMEXEC_HOME } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.test\.yaml:2:\d+ .*expect/);
  });
});
