import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, runCli, type CliResult } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mmexec-cli-strict-'));
const env = { MMEXEC_HOME: join(dir, 'home'), DEBUG: '' };
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = (args: string[], input?: string): Promise<CliResult> => runCli(args, { cwd: dir, env, input });

/** A rule file that needs no environment and calls nothing. */
const MINIMAL = 'version: 1\nstate: { store: memory }\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: all, upstream: a }\n';
writeFileSync(join(dir, 'mmexec.yaml'), MINIMAL);

/** One line of stderr and no stack frame. */
function oneLine(r: CliResult, want: RegExp): void {
  const lines = r.stderr.trimEnd().split('\n');
  assert.doesNotMatch(r.stderr, /^\s+at /m, `no stack trace:\n${r.stderr}`);
  assert.match(lines[0]!, want);
}

describe('a strict command line', () => {
  const usage: Array<[string[], RegExp]> = [
    [['validate', '--confg', 'x'], /unknown option --confg \(did you mean --config\?\)/],
    [['validate', 'nothere.yaml'], /unexpected argument "nothere\.yaml".*did you mean --config nothere\.yaml/],
    [['serve', '--log-format', 'xml'], /invalid value "xml" for --log-format: expected one of auto, json, pretty/],
    [['serve', '--port', '0x'], /invalid value "0x" for --port: expected an integer from 0 to 65535/],
    [['serve', '--port', '99999'], /invalid value "99999" for --port/],
    [['serve', '--log-level', 'loud'], /invalid value "loud" for --log-level/],
    [['serve', '--host', ''], /option --host needs a value/],
    [['validate', '--config'], /option --config needs a value \(--config FILE\)/],
    [['test', '--quiet=yes'], /option --quiet takes no value/],
    [['test', '--config', 'a.yaml', '--config', 'b.yaml'], /option --config is given more than once/],
    [['status', '--url', 'not a url'], /invalid value "not a url" for --url/],
    [['status', 'extra'], /unexpected argument "extra": mmexec status takes no arguments/],
    [['explain', 'a.json', 'b.json'], /unexpected argument "b\.json": mmexec explain takes \[request\.json\|-\] only/],
    [['explain', '--text', 'hi', '--path', 'v1/messages'], /invalid value "v1\/messages" for --path/],
    [['init', 'a.yaml', 'b.yaml'], /unexpected argument "b\.yaml"/],
    [['doctor', '--timeout', 'soon'], /invalid value "soon" for --timeout: expected a duration/],
  ];
  for (const [args, want] of usage) {
    it(`rejects \`mmexec ${args.join(' ')}\` with exit 2, naming the bad part`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      oneLine(r, new RegExp(`^mmexec ${args[0]}: ${want.source}`));
      assert.match(r.stderr, new RegExp(`Run "mmexec ${args[0]} --help"`));
    });
  }

  it('describes every option of every command in its --help, and `mmexec help <command>` says the same', async () => {
    const options: Record<string, string[]> = {
      serve: ['--config FILE', '--host ADDR', '--port N', '--log-format auto|json|pretty', '--log-level LEVEL'],
      validate: ['--config FILE', '--print-url'],
      explain: ['--config FILE', '--text TEXT', '--session ID', '--sticky [SCOPE=]VALUE', '--header K:V', '--path PATH', '--method METHOD'],
      test: ['--config FILE', '--quiet'],
      status: ['--url URL', '--token TOKEN', '--json'],
      doctor: ['--config FILE', '--timeout DURATION'],
      init: ['--config FILE', '--force'],
    };
    for (const [name, opts] of Object.entries(options)) {
      const r = await cli([name, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: mmexec ${name} `));
      for (const o of opts) assert.match(r.stdout, new RegExp(`^  ${o.replace(/[[\]|]/g, '\\$&')}  +\\S`, 'm'), `${name} --help describes ${o}`);
      assert.match(r.stdout, /^Exit codes: 0 /m);
      assert.equal((await cli(['help', name])).stdout, r.stdout);
    }
    const unknown = await cli(['help', 'brew']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "brew"/);
    assert.match((await cli(['help'])).stdout, /doctor +check the config/);
  });

  it('keeps validate, test and init working with well-formed arguments', async () => {
    assert.equal((await cli(['validate'])).code, 0);
    const url = await cli(['validate', '--print-url']);
    assert.equal(url.stdout, 'http://127.0.0.1:9099\n');
    const t = await cli(['test', '--quiet']);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /no rule tests found/);
    const i = await cli(['init', '--config', 'starter.yaml']);
    assert.equal(i.code, 0, i.stderr);
  });
});

describe('user mistakes: one line saying what and where, no stack trace', () => {
  it('names a rule file that does not exist', async () => {
    const r = await cli(['validate', '--config', 'nonexist.yaml']);
    assert.equal(r.code, 1);
    oneLine(r, /^nonexist\.yaml: cannot read the file: no such file or directory$/);
  });

  it('names a rule file that cannot be read', async () => {
    mkdirSync(join(dir, 'adir.yaml'), { recursive: true });
    for (const cmd of ['validate', 'test', 'doctor', 'serve']) {
      const r = await cli([cmd, '--config', 'adir.yaml']);
      assert.equal(r.code, 1, `${cmd}: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /^\s+at /m);
      assert.match(r.stdout + r.stderr, /adir\.yaml: cannot read the file: is a directory/, cmd);
    }
  });

  it('gives the position of bad YAML', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'version: 1\nroutes: [\n');
    const r = await cli(['validate', '--config', 'broken.yaml']);
    assert.equal(r.code, 1);
    oneLine(r, /^broken\.yaml:\d+:\d+ /);
  });

  it('says which directory is missing when init cannot write its file', async () => {
    const r = await cli(['init', 'sub/dir/x.yaml']);
    assert.equal(r.code, 1);
    oneLine(r, /^mmexec init: cannot write sub\/dir\/x\.yaml: directory sub\/dir does not exist/);
  });

  it('names the request file explain cannot read', async () => {
    const r = await cli(['explain', 'missing.json']);
    assert.equal(r.code, 1);
    oneLine(r, /^mmexec explain: cannot read missing\.json: no such file or directory$/);
  });
});

describe('explain exit codes', () => {
  it('exits 1 with a clear message when the body is not JSON', async () => {
    writeFileSync(join(dir, 'not.json'), 'hello, not JSON');
    const r = await cli(['explain', 'not.json']);
    assert.equal(r.code, 1, r.stdout);
    oneLine(r, /^mmexec explain: not\.json: request body is not valid JSON.*\(the gateway would answer 400 invalid_request_error\)$/);
    const stdin = await cli(['explain', '-'], '{"model":');
    assert.equal(stdin.code, 1);
    assert.match(stdin.stderr, /^mmexec explain: stdin: request body is not valid JSON/);
    const text = await cli(['explain', 'not.json', '--text', 'hi']);
    assert.equal(text.code, 1);
    oneLine(text, /^mmexec explain: not\.json is not JSON/);
  });

  it('exits 0 when the request is routed', async () => {
    const r = await cli(['explain', '--text', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /all {2}← chosen/);
  });
});

describe('the bundled mmexec.yaml', () => {
  it('still validates through the strict parser from the repository', async () => {
    const r = await runCli(['validate', '--config', 'mmexec.yaml'], { cwd: ROOT, env: { ...env, MINIMAX_API_KEY: 'k' } });
    assert.equal(r.code, 0, r.stderr);
  });
});
