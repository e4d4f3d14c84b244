import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompileContext } from '../../../src/plan/compile-context.js';
import { compileJsonata } from '../../../src/jsonata/compile-jsonata.js';
import { runIsolated } from '../../support/isolated.js';

interface CaseResult {
  name: string;
  status: number;
  type: string;
  message: string;
  ms: number;
  /** Longest gap between /healthz answers while the request ran. */
  healthGapMs: number;
  /** Longest gap between /healthz answers with no request running, taken just before the cases. */
  idleGapMs: number;
  healthAnswers: number;
}

interface Outcome {
  cases: CaseResult[];
  metrics: string[];
}

/**
 * Starts a gateway in a child process (a frozen event loop there fails the check instead of hanging it),
 * sends one request per case while polling /healthz, and reports statuses, times and the abort counter.
 */
function runCases(routes: string, cases: Array<{ name: string; header: string }>, limits = ''): Outcome {
  const config = [
    'version: 1',
    'state: { store: memory }',
    limits,
    'upstreams:',
    '  u: { url: "http://127.0.0.1:9" }',
    'routes:',
    '  - name: warm',
    "    when: { all: [ { header: { name: x-case, equals: warm } }, { jsonata: 'true' } ] }",
    '    reply: { text: warm }',
    routes,
    '  - name: fallback',
    '    reply: { text: fallback }',
  ].join('\n');
  return runIsolated<Outcome>(`
    import { mkdtempSync, writeFileSync } from 'node:fs';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    import { startGateway } from './src/server/start.ts';
    const dir = mkdtempSync(join(tmpdir(), 'mmexec-jsonata-'));
    writeFileSync(join(dir, 'mmexec.yaml'), ${JSON.stringify(config)});
    const gw = await startGateway({ configPath: join(dir, 'mmexec.yaml'), env: {}, port: 0, silent: true });
    const body = JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] });
    const cases = [];
    // The first evaluation starts the worker; the cases measure evaluations, not that start.
    await (await fetch(gw.url + '/v1/messages', { method: 'POST', headers: { 'x-case': 'warm' }, body })).text();
    const pollHealth = () => {
      const p = { running: true, gap: 0, answers: 0, done: undefined };
      let last = performance.now();
      p.done = (async () => {
        while (p.running) {
          await fetch(gw.url + '/healthz').then((r) => r.text());
          const now = performance.now(); p.gap = Math.max(p.gap, now - last); last = now; p.answers++;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      return p;
    };
    // The longest gap with nothing else running: what this machine's load alone costs the poller.
    const idle = pollHealth();
    await new Promise((r) => setTimeout(r, 300));
    idle.running = false; await idle.done;
    for (const c of ${JSON.stringify(cases)}) {
      const poll = pollHealth();
      await new Promise((r) => setTimeout(r, 20));
      const t = performance.now();
      const res = await fetch(gw.url + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'x-case': c.header }, body });
      const text = await res.text();
      const ms = performance.now() - t;
      poll.running = false; await poll.done;
      let json = {}; try { json = JSON.parse(text); } catch {}
      cases.push({ name: c.name, status: res.status, type: json.error?.type ?? '', message: json.error?.message ?? text.trim(), ms, healthGapMs: poll.gap, idleGapMs: idle.gap, healthAnswers: poll.answers });
    }
    const metrics = (await (await fetch(gw.url + '/metrics')).text()).split('\\n').filter((l) => l.startsWith('mmexec_jsonata_aborted_total'));
    await gw.close();
    console.log(JSON.stringify({ cases, metrics }));
    process.exit(0);
  `);
}

/**
 * The event loop stayed free: an evaluation on the loop itself would stall /healthz for the whole evaluation
 * (seconds for the unbounded cases). The allowance grows with the stalls the machine's load alone causes, so a
 * busy machine does not decide the result.
 */
function assertLoopFree(c: CaseResult): void {
  const allowed = Math.max(100, 3 * c.idleGapMs);
  assert.ok(c.healthGapMs < allowed, `${c.name}: /healthz went unanswered for ${c.healthGapMs} ms (allowed ${allowed} ms, idle gap ${c.idleGapMs} ms)`);
}

const route = (name: string, where: string): string =>
  [`  - name: ${name}`, `    when: { header: { name: x-case, equals: ${name} } }`, '    upstream: u', `    ${where}`].join('\n');

describe('JSONata evaluations are bounded', () => {
  it('stops endless recursion and a huge mapping in a condition: 500 api_error, counted, /healthz answering throughout', () => {
    const routes = [
      '  - name: recursion',
      "    when: { all: [ { header: { name: x-case, equals: recursion } }, { jsonata: '($f := function($x){ $f($x) }; $f(1))' } ] }",
      '    reply: { text: never }',
      '  - name: mapping',
      "    when: { all: [ { header: { name: x-case, equals: mapping } }, { jsonata: '$count([1..90000].($*2)) > 0' } ] }",
      '    reply: { text: never }',
      '  - name: range',
      "    when: { all: [ { header: { name: x-case, equals: range } }, { jsonata: '$count([1..10000000].($*2)) > 0' } ] }",
      '    reply: { text: never }',
    ].join('\n');
    const out = runCases(routes, [{ name: 'recursion', header: 'recursion' }, { name: 'mapping', header: 'mapping' }, { name: 'range', header: 'range' }]);
    for (const c of out.cases) {
      assert.equal(c.status, 500, `${c.name}: ${c.message}`);
      assert.equal(c.type, 'api_error');
      assert.match(c.message, /^JSONata expression ".*" was stopped: it (ran past its time budget of 50 ms|built a sequence longer than 100000 items)/);
      assert.ok(c.ms < 2000, `${c.name} took ${c.ms} ms`);
      assertLoopFree(c);
    }
    assert.ok(out.metrics.some((l) => /reason="timeout"} 2$/.test(l)), out.metrics.join('\n'));
    assert.ok(out.metrics.some((l) => /reason="sequence"} 1$/.test(l)), out.metrics.join('\n'));
    console.log(`# ${out.cases.map((c) => `${c.name}: ${c.ms.toFixed(0)} ms, longest /healthz gap ${c.healthGapMs.toFixed(1)} ms`).join('; ')}`);
  });

  it('terminates a transform whose single builtin outlives the configured budget ($pad of 100 MB)', () => {
    const routes = route('pad', `request: [ { jsonata: '$merge([$, { "x": $length($pad("", 100000000)) }])' } ]`);
    const out = runCases(routes, [{ name: 'pad', header: 'pad' }], 'jsonata: { timeout: 40ms }');
    const c = out.cases[0]!;
    assert.equal(c.status, 500, c.message);
    assert.match(c.message, /was stopped: it ran past its time budget of 40 ms/);
    assertLoopFree(c);
    assert.ok(out.metrics.some((l) => /reason="timeout"} 1$/.test(l)), out.metrics.join('\n'));
    console.log(`# pad: ${c.ms.toFixed(0)} ms, longest /healthz gap ${c.healthGapMs.toFixed(1)} ms`);
  });

  // An expression failing on every request is refused at load (test/jsonata/trial.test.ts); one failing on
  // some (here: any without a system field) makes its condition false on those.
  it('keeps an ordinary expression working, and one failing on this request only false', () => {
    const routes = [
      '  - name: small',
      "    when: { all: [ { header: { name: x-case, equals: small } }, { jsonata: '$count(messages) = 1' } ] }",
      '    reply: { text: matched }',
      '  - name: typeerror',
      "    when: { all: [ { header: { name: x-case, equals: typeerror } }, { jsonata: '$exists(system) or $number(messages[0].content) > 0' } ] }",
      '    reply: { text: never }',
    ].join('\n');
    const out = runCases(routes, [{ name: 'small', header: 'small' }, { name: 'typeerror', header: 'typeerror' }]);
    assert.deepEqual(out.cases.map((c) => [c.status, c.message]), [[200, 'matched'], [200, 'fallback']]);
    assert.deepEqual(out.metrics.filter((l) => !l.startsWith('#')), []);
  });

  it('runs JSONata regexes on the linear-time engine and refuses a backreference at load', async () => {
    const errors: string[] = [];
    // A budget far above a loaded machine's worker start: a backtracking engine would still run past it
    // (2^4095 paths), the linear one answers in milliseconds.
    const cc = { loaded: { config: { jsonata: { timeout: '5s' } } }, error: (_path: unknown, message: string) => errors.push(message), atEnd: () => undefined } as unknown as CompileContext;
    const expr = compileJsonata('$contains(messages[0].content, /^(a|a)+$/)', cc, []);
    assert.ok(expr, errors.join('\n'));
    const body = Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: `${'a'.repeat(4095)}!` }] }));
    const t = performance.now();
    assert.equal((await expr.evaluate(body, 'truth')).truthy, false);
    assert.ok(performance.now() - t < 5000);
    assert.equal(compileJsonata('$match(x, /(a)\\1/)', cc, []), undefined);
    assert.match(errors.join('\n'), /backreference \\1 at character 4 is not supported/);
  });
});
