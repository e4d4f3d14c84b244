/**
 * Renders a terminal screen captured as text (`tmux capture-pane -p`) to a PNG with headless Chromium, the
 * mmexec status line row highlighted. Blank rows are folded to one.
 *
 *   MMEXEC_TUI_CAPTURE_DIR=/tmp/screens node --import tsx --test test/scenarios/claude-code/statusline-tui.test.ts
 *   node --import tsx scripts/render-screen.ts /tmp/screens/anthropic.txt docs/statusline.png
 *
 * CHROMIUM names the browser (default /usr/bin/chromium).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: render-screen.ts SCREEN.txt OUT.png\n');
  process.exit(2);
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const rows = readFileSync(input, 'utf8')
  .replace(/\n+$/, '')
  .split('\n')
  .filter((line, i, all) => line.trim() !== '' || (i > 0 && all[i - 1]!.trim() !== ''));
const html = rows
  .map((line) => (/^\s*mmexec: |· cache \d+%/.test(line) ? `<span class="status">${escape(line)}</span>` : escape(line)))
  .join('\n');
const width = Math.max(...rows.map((r) => [...r].length));
const page = `<!doctype html><meta charset="utf-8"><style>
body { margin: 0; background: #1e1e1e; }
pre { margin: 0; padding: 16px; color: #d4d4d4; font: 14px/1.35 "DejaVu Sans Mono", monospace; }
.status { color: #1e1e1e; background: #e5c07b; }
</style><pre>${html}</pre>`;

const dir = mkdtempSync(join(tmpdir(), 'render-screen-'));
try {
  const file = join(dir, 'screen.html');
  writeFileSync(file, page);
  const size = `${Math.ceil(width * 8.45) + 32},${Math.ceil(rows.length * 18.9) + 32}`;
  const r = spawnSync(
    process.env.CHROMIUM ?? '/usr/bin/chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${join(dir, 'profile')}`, `--window-size=${size}`, `--screenshot=${resolve(output)}`, `file://${file}`],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) {
    process.stderr.write(`chromium failed (${r.status ?? r.signal}): ${r.stderr}\n`);
    process.exit(1);
  }
  process.stdout.write(`wrote ${output}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
