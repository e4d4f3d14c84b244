/**
 * Renders the live part of the /ui page from its data as HTML. Every value is escaped here; the page's
 * script only swaps this HTML in, so the one place that turns data into markup is this file.
 */
import type { UiData } from './ui-data.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Cell = string | number | { html: string };

const cell = (c: Cell): string => (typeof c === 'object' ? c.html : escapeHtml(c));
const usd = (n: number): string => `$${n.toFixed(4)}`;
/** `HH:MM:SS` of an ISO time (UTC), the full time as its tooltip. */
const time = (iso: string): { html: string } => ({ html: `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(iso)}">${escapeHtml(iso.slice(11, 19))}</time>` });
const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;
const badge = (text: string, kind: string): { html: string } => ({ html: `<span class="badge ${escapeHtml(kind)}">${escapeHtml(text)}</span>` });

function table(head: readonly string[], rows: readonly Cell[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

const unavailable = '<p class="empty">the state store is unavailable</p>';

function todaySection(d: UiData): string {
  const t = d.today;
  const since = `since start: ${d.status.requests} requests, ${usd(d.status.cost_usd)} cost, ${usd(d.status.savings_usd)} saved`;
  const cards = t
    ? [['Requests', String(t.requests)], ['Cost', usd(t.cost_usd)], ['Saved', usd(t.saved_usd)]]
        .map(([k, v]) => `<div class="card"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div></div>`)
        .join('')
    : unavailable;
  return section('today', `Today (${t?.date ?? 'UTC'})`, `<div class="cards">${cards}</div><p class="note">${escapeHtml(since)}</p>`);
}

function routesSection(d: UiData): string {
  const rows = d.status.routes.map((r, i): Cell[] => [i + 1, r.name, r.target, r.sticky ?? '-', r.requests]);
  return section('routes', 'Routes', table(['#', 'Route', 'Target', 'Sticky', 'Requests'], rows, 'no routes'));
}

function upstreamsSection(d: UiData): string {
  const rows = d.status.upstreams.map((u): Cell[] => [u.name, badge(u.health, u.health), u.requests, u.errors, u.sticky_sessions, usd(u.cost_usd), usd(u.savings_usd), u.url]);
  return section('upstreams', 'Upstreams', table(['Upstream', 'Health', 'Requests', 'Errors', 'Sticky sessions', 'Cost', 'Saved', 'URL'], rows, 'no upstreams'));
}

function sessionsSection(d: UiData): string {
  if (!d.sessions || !d.sessions_by_provider) return section('sessions', 'Sessions', unavailable);
  const providers = Object.entries(d.sessions_by_provider).sort((a, b) => b[1] - a[1]).map(([p, n]): Cell[] => [p, n]);
  const rows = d.sessions.slice(0, 20).map((s): Cell[] => [
    s.session, s.provider, s.upstream, s.model, s.requests, usd(s.cost_usd), usd(s.saved_usd), pct(s.cache_read_ratio),
    s.last_error ? badge(`${s.last_error.status} ${s.last_error.type}`, 'failing') : '-', time(s.updated_at),
  ]);
  const body = `<div class="split"><div>${table(['Provider', 'Sessions'], providers, 'no sessions yet')}</div><div>${table(
    ['Session', 'Provider', 'Upstream', 'Model', 'Requests', 'Cost', 'Saved', 'Cache read', 'Last error', 'Updated (UTC)'], rows, 'no sessions yet')}</div></div>`;
  return section('sessions', 'Sessions by provider', body);
}

function budgetsSection(d: UiData): string {
  if (d.clients.length === 0) return section('budgets', 'Clients', '<p class="empty">no clients configured (single-user gateway)</p>');
  if (!d.budgets || !d.today) return section('budgets', 'Clients', unavailable);
  const today = d.today.client_cost_usd;
  const spend = table(['Client', 'Spent today'], d.clients.map((c): Cell[] => [c, usd(today[c] ?? 0)]), 'no clients');
  const rows = d.budgets.map((b): Cell[] => [
    b.client, b.period, b.upstream ?? 'all upstreams', usd(b.limit_usd), usd(b.spent_usd),
    badge(usd(b.remaining_usd), b.remaining_usd <= 0 ? 'failing' : b.remaining_usd < b.limit_usd * 0.2 ? 'degraded' : 'ok'), b.resets_at,
  ]);
  return section('budgets', 'Spend and budget left per client', spend + table(['Client', 'Period', 'Scope', 'Limit', 'Spent', 'Left', 'Resets'], rows, 'no client has a budget'));
}

function requestsSection(d: UiData): string {
  const rows = d.recent_requests.map((r): Cell[] => [
    time(r.at), r.id, r.route, r.upstream, badge(String(r.status), r.status >= 500 ? 'failing' : r.status >= 400 ? 'degraded' : 'ok'), r.duration_ms,
    `${r.tokens.input} / ${r.tokens.output} / ${r.tokens.cache_read} / ${r.tokens.cache_write}`, usd(r.cost_usd),
  ]);
  const head = ['Time (UTC)', 'Request', 'Route', 'Upstream', 'Status', 'ms', 'Tokens in / out / cache read / write', 'Cost'];
  return section('requests', 'Recent requests (this replica)', table(head, rows, 'no requests yet'));
}

function reloadSection(d: UiData): string {
  const r = d.last_reload;
  const text = r ? `${r.ok ? 'succeeded' : 'failed'} at ${r.at}${r.error ? `: ${r.error}` : ''}` : 'no reload since start';
  return section('reload', 'Last reload', `<p>${r ? badge(r.ok ? 'ok' : 'failed', r.ok ? 'ok' : 'failing').html : ''} ${escapeHtml(text)}</p>`);
}

/** The page's live content. */
export function renderLive(d: UiData): string {
  const s = d.status;
  const head = `<p class="meta">mmexec ${escapeHtml(s.version)} · up ${escapeHtml(s.uptime_seconds)} s · config ${escapeHtml(s.config_digest.slice(0, 12))} · state store ${escapeHtml(s.state_store)}${s.draining ? ' · <b>draining</b>' : ''} · updated ${escapeHtml(d.generated_at)}</p>`;
  return [head, todaySection(d), upstreamsSection(d), routesSection(d), sessionsSection(d), budgetsSection(d), requestsSection(d), reloadSection(d)].join('\n');
}
