import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/run-cli.js';
import { writeRules } from '../support/compile-rules.js';

// Everything serve refuses to start with, validate reports as an error, with its place in the file.
describe('mmexec validate checks what serve checks', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'an open gateway on a network address',
      'version: 1\nserver: { host: 0.0.0.0, port: 9099 }\nupstreams:\n  a: { url: "https://api.example.com" }\nroutes:\n  - { name: r, upstream: a }\n',
      /mmexec\.yaml:2:17 server\.host: refusing to listen on 0\.0\.0\.0 without client keys/,
    ],
    [
      'an upstream that is the gateway itself',
      'version: 1\nserver: { port: 9188 }\nupstreams:\n  self: { url: "http://127.0.0.1:9188" }\nroutes:\n  - { name: r, upstream: self }\n',
      /mmexec\.yaml:4:16 upstreams\.self\.url: upstream "self" points at this gateway \(port 9188\); it would loop/,
    ],
  ];
  for (const [name, text, want] of cases) {
    it(`refuses ${name}`, async () => {
      const r = await runCli(['validate', '--config', writeRules(text)]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, want);
      assert.match(r.stderr, /^1 error$/m);
    });
  }

  it('accepts the same gateway on loopback with another upstream', async () => {
    const r = await runCli(['validate', '--config', writeRules('version: 1\nserver: { port: 9188 }\nupstreams:\n  a: { url: "http://127.0.0.1:9189" }\nroutes:\n  - { name: r, upstream: a }\n')]);
    assert.equal(r.code, 0, r.stderr);
  });
});
