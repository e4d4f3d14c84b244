/** What the gateway and start.sh write into the working directory never shows up as a change to commit. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ROOT } from '../support/run-cli.js';

/** start.sh's PID and log files, `.env`, and the DEBUG=2 body dumps. */
const WRITTEN = ['mmexec.pid', 'mmexec.log', '.env', 'logs/req_1.json'];

const git = (args: string[]): ReturnType<typeof spawnSync> => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });

describe('.gitignore', () => {
  it('ignores the files start.sh and the gateway write', (t) => {
    const probe = git(['rev-parse', '--is-inside-work-tree']);
    if (probe.error || probe.status !== 0) {
      const reason = `not a git work tree or no git (${String(probe.error ?? probe.stderr).trim()})`;
      if (process.env.CI) assert.fail(reason);
      t.skip(reason);
      return;
    }
    // --no-index: whether a file would be ignored, whatever the index holds.
    const r = git(['check-ignore', '--no-index', '--verbose', '--non-matching', ...WRITTEN]);
    const notIgnored = String(r.stdout).split('\n').filter((l) => l.startsWith('::')).map((l) => l.slice(2).trim());
    assert.deepEqual(notIgnored, []);
  });
});
