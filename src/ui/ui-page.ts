/**
 * The /ui page: server-rendered HTML whose small inline script refreshes the live part every few seconds
 * from /ui/data. No build step, nothing from other origins; the Content-Security-Policy allows only this
 * script and this style (by hash), requests to the gateway itself and nothing else.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from './render-ui.js';

/** Milliseconds between refreshes. */
export const REFRESH_MS = 3000;

/*
 * A `?token=` given to open the page is removed from the address bar at once and kept in this page's
 * memory only (no cookie, no storage): it goes to /ui/data as an Authorization header.
 */
const SCRIPT = `(function () {
  var token = new URLSearchParams(location.search).get('token');
  if (token !== null) history.replaceState(null, '', location.pathname);
  var live = document.getElementById('live');
  var state = document.getElementById('refresh');
  var url = location.pathname.replace(/\\/?$/, '/data');
  function show(text, kind) { state.textContent = text; state.className = 'badge ' + kind; }
  function refresh() {
    fetch(url, { headers: token ? { authorization: 'Bearer ' + token } : {}, cache: 'no-store', credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (j) { live.innerHTML = j.html; show('live', 'ok'); })
      .catch(function (e) { show('refresh failed (' + e.message + '), retrying', 'failing'); })
      .then(function () { setTimeout(refresh, ${REFRESH_MS}); });
  }
  setTimeout(refresh, ${REFRESH_MS});
})();`;

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --line: #d0d5dd; --bg: #fff; --card: #f6f7f9; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ec; --muted: #98a2b3; --line: #344054; --bg: #111418; --card: #1b2027; } }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 16px 24px; max-width: 1400px; color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 22px 0 8px; }
.meta, .note, .empty { color: var(--muted); margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
.cards { display: flex; gap: 12px; } .card { background: var(--card); border-radius: 8px; padding: 10px 16px; min-width: 140px; }
.card .k { color: var(--muted); } .card .v { font-size: 22px; font-weight: 600; }
.split { display: grid; grid-template-columns: minmax(160px, 1fr) 5fr; gap: 16px; align-items: start; overflow-x: auto; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; background: var(--card); }
.ok { background: #d1fadf; color: #05603a; } .idle { color: var(--muted); }
.degraded { background: #fef0c7; color: #93370d; } .failing { background: #fee4e2; color: #912018; }
header { display: flex; justify-content: space-between; align-items: baseline; }`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's Content-Security-Policy. */
export const UI_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of the page and of its data: the CSP, no caching, no referrer (the URL may hold a token). */
export const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CSP,
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** The whole page around the rendered live part. */
export function renderPage(liveHtml: string, version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mmexec ${escapeHtml(version)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>mmexec</h1><span id="refresh" class="badge idle">refreshes every ${REFRESH_MS / 1000} s</span></header>
<main id="live">
${liveHtml}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
