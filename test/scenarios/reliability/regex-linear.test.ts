import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLinearRegex } from '../../../src/match/linear-regex.js';
import { compileTextMatch } from '../../../src/match/text-match.js';
import { runIsolated } from '../../support/isolated.js';

/**
 * Patterns that slipped past the old backtracking heuristic: each nests a repetition whose alternatives can
 * split the same text many ways, so a backtracking engine takes exponential time on a near-miss.
 */
const ADVERSARIAL: Array<{ pattern: string; unit: string }> = [
  { pattern: '^(b?a|a)+$', unit: 'a' },
  { pattern: '^(a?a)+$', unit: 'a' },
  { pattern: '^(\\s?\\s)+$', unit: ' ' },
];

/**
 * Times one match per pattern on a 40-character and a 4 KB near-miss, in a child process that is killed
 * after 10 s, so a backtracking engine fails the test instead of hanging it.
 */
function timeInChild(): Array<{ pattern: string; ms40: number; ms4k: number; matched: boolean }> {
  const script = `
    import { compileTextMatch } from './src/match/text-match.ts';
    const cases = ${JSON.stringify(ADVERSARIAL)};
    const out = [];
    for (const c of cases) {
      const match = compileTextMatch({ regex: c.pattern });
      if (typeof match === 'string') { out.push({ pattern: c.pattern, rejected: match }); continue; }
      match(c.unit.repeat(8)); // warm the engine up
      let t = performance.now();
      const a = match(c.unit.repeat(39) + '!');
      const ms40 = performance.now() - t;
      t = performance.now();
      const b = match(c.unit.repeat(4095) + '!');
      const ms4k = performance.now() - t;
      out.push({ pattern: c.pattern, ms40, ms4k, matched: a !== undefined || b !== undefined });
    }
    console.log(JSON.stringify(out));
  `;
  return runIsolated(script, 10_000);
}

describe('rule regexes run in linear time', () => {
  it('matches the adversarial patterns of the old heuristic in milliseconds on 40 characters and 4 KB', () => {
    const results = timeInChild();
    for (const r of results) {
      assert.equal(r.matched, false, `${r.pattern} must not match a near-miss`);
      // A backtracking engine needs about 2^40 steps for these patterns on 40 characters (hours); the bounds
      // leave room for a loaded machine without letting that through.
      assert.ok(r.ms40 < 500, `${r.pattern} on 40 characters took ${r.ms40} ms`);
      assert.ok(r.ms4k < 2000, `${r.pattern} on 4 KB took ${r.ms4k} ms`);
    }
    console.log(`# times: ${results.map((r) => `${r.pattern} 40c ${r.ms40.toFixed(2)} ms, 4KB ${r.ms4k.toFixed(2)} ms`).join('; ')}`);
  });

  it('still matches what the patterns describe', () => {
    const cases: Array<[string, string]> = [['^(b?a|a)+$', 'abaaba'], ['^(a?a)+$', 'aaaa'], ['^(\\s?\\s)+$', ' \t\u00a0 ']];
    for (const [pattern, text] of cases) {
      const m = compileTextMatch({ regex: pattern });
      assert.equal(typeof m, 'function');
      if (typeof m !== 'string') assert.deepEqual(m(text), { start: 0, end: text.length }, pattern);
    }
  });

  const same: Array<[string, boolean, string]> = [
    ['^\\s*mmexec(\\s|$)', true, '  MMEXEC go'],
    ['\\u{1F600}', false, 'a😀'],
    ['\\uD83D\\uDE00', false, 'a😀'],
    ['[\\s\\d]+', false, 'x \u00a0 1'],
    ['[^\\S]+', false, 'ab\u3000c'],
    ['\\S+', false, ' \u00a0abc'],
    ['a.c', false, 'a\rc abc'],
    ['[^]', false, '\n'],
    ['\\p{Script=Greek}+', false, 'xαβγ'],
    ['\\p{L}+', true, '1Éa'],
    ['é', true, 'É'],
    ['[\\b]', false, 'a\bb'],
    ['\\cJ', false, 'a\nb'],
  ];
  for (const [pattern, ignoreCase, text] of same) {
    it(`keeps JavaScript's meaning of /${pattern}/${ignoreCase ? 'i' : ''} on ${JSON.stringify(text)}`, () => {
      const re = compileLinearRegex(pattern, { ignoreCase });
      assert.notEqual(typeof re, 'string', String(re));
      if (typeof re === 'string') return;
      const js = new RegExp(pattern, ignoreCase ? 'iu' : 'u').exec(text);
      assert.ok(js, 'the case must match in JavaScript');
      assert.deepEqual(re.exec(text)?.span, { start: js.index, end: js.index + js[0].length });
    });
  }

  it('refuses backreferences and lookarounds with their position', () => {
    assert.match(String(compileLinearRegex('ab(c)\\1')), /backreference \\1 at character 6 is not supported/);
    assert.match(String(compileLinearRegex('x(?<=y)')), /lookbehind at character 2 is not supported/);
    assert.match(String(compileLinearRegex('(?!x)')), /lookahead at character 1 is not supported/);
  });
});
