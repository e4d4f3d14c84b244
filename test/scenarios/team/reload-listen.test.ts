import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { reload } from '../../../src/server/lifecycle.js';
import { startGateway, type RunningGateway } from '../../../src/server/start.js';
import { freePort } from '../../support/free-port.js';
import { captureLogger, type LogEntry } from '../../support/team-gateway.js';

const config = (host: string, port: number): string =>
  `version: 1\nserver: { host: ${host}, port: ${port} }\nstate: { store: memory }\nupstreams:\n  a: { url: "http://127.0.0.1:9" }\nroutes:\n  - { name: all, upstream: a }\n`;

describe('a reload that changes where the gateway listens', () => {
  // Each test starts its own gateway on 127.0.0.1 and a free port, so it holds alone and in any order.
  let dir: string;
  let file: string;
  let logs: LogEntry[];
  let gw: RunningGateway;
  let port = 0;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mmexec-reload-listen-'));
    file = join(dir, 'mmexec.yaml');
    logs = [];
    port = await freePort();
    writeFileSync(file, config('127.0.0.1', port));
    gw = await startGateway({ configPath: file, env: {}, logger: captureLogger('a', logs) });
  });
  afterEach(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says that server.port and server.host need a restart, and keeps listening where it is', async () => {
    const other = await freePort();
    writeFileSync(file, config('localhost', other));
    assert.equal(reload(gw, file), true);
    const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.message);
    assert.ok(warnings.includes(`server.port changed from ${port} to ${other}: it takes effect after a restart; still listening on http://127.0.0.1:${port}`), warnings.join('\n'));
    assert.ok(warnings.includes(`server.host changed from 127.0.0.1 to localhost: it takes effect after a restart; still listening on http://127.0.0.1:${port}`), warnings.join('\n'));
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    await assert.rejects(fetch(`http://127.0.0.1:${other}/healthz`));
  });

  it('says nothing about a restart when host and port stay the same', () => {
    writeFileSync(file, config('127.0.0.1', port).replace('routes:', '# a comment\nroutes:'));
    assert.equal(reload(gw, file), true);
    assert.deepEqual(logs.filter((l) => /restart/.test(l.message)), []);
  });
});
