/**
 * Captures what each Claude Code release of the matrix sends: runs it through scenarios against a logging fake
 * upstream on 127.0.0.1 and writes every request, cut down (see cut.ts), to
 * test/fixtures/claude-code/<version>/<scenario>.json.
 *
 *   node --import tsx test/scenarios/claude-code/capture.ts [--version 2.1.332] [--scenario tool-loop] [--raw DIR]
 *
 * `--raw DIR` also writes the uncut requests there (never commit those: they are large).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startClaude } from '../../support/claude-cli.js';
import { claudeRelease, MATRIX_VERSIONS } from '../../support/claude-releases.js';
import { cutRequest } from './cut.js';
import { startLoggingFake } from './logging-fake.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/claude-code/', import.meta.url));

async function run(version: string, scenario: Scenario, rawDir: string | undefined): Promise<void> {
  const release = claudeRelease(version);
  if (!release.installed) throw new Error(`Claude Code ${version} is not installed: npm run test:setup`);
  const fake = await startLoggingFake(scenario.answer, scenario.models);
  const claude = startClaude({ bin: release.bin, baseUrl: fake.url, turnTimeoutMs: 60_000, ...scenario.claude });
  const notes: string[] = [];
  try {
    await scenario.drive({ claude, fake, notes });
  } catch (err) {
    notes.push(`drive failed: ${String(err).slice(0, 400)}`);
  } finally {
    await claude.close();
    await fake.close();
  }
  const results = claude.events.filter((e) => e.type === 'result').map((e) => ({ is_error: e.is_error, result: String(e.result).slice(0, 300) }));
  const fixture = {
    release: version,
    scenario: scenario.name,
    description: scenario.description,
    notes,
    results,
    requests: fake.log.map((entry) => ({ ...cutRequest(entry.request, scenario.keep), answered: entry.answered })),
  };
  const dir = join(FIXTURES, version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${scenario.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  if (rawDir) {
    mkdirSync(join(rawDir, version), { recursive: true });
    const raw = fake.log.map((e) => ({ method: e.request.method, path: e.request.path, headers: e.request.headers, body: e.request.json, answered: e.answered }));
    writeFileSync(join(rawDir, version, `${scenario.name}.json`), JSON.stringify({ notes, results, requests: raw }, null, 2));
  }
  console.log(`${version} ${scenario.name}: ${fake.log.length} requests, ${results.length} results${notes.length ? `; ${notes.join('; ')}` : ''}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { version: { type: 'string', multiple: true }, scenario: { type: 'string', multiple: true }, raw: { type: 'string' } } });
  const versions = values.version ?? [...MATRIX_VERSIONS];
  const scenarios = SCENARIOS.filter((s) => !values.scenario || values.scenario.includes(s.name));
  if (scenarios.length === 0) throw new Error(`no such scenario; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  for (const v of versions) for (const s of scenarios) await run(v, s, values.raw);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
