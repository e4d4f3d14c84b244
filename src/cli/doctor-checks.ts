/**
 * The upstream checks of `mmexec doctor`: the key variable an upstream needs, and whether the upstream answers
 * and accepts that key on a request that costs nothing, `GET <base URL>/v1/models` (offered by Anthropic and by
 * MiniMax's Anthropic-compatible API: platform.claude.com/docs/en/api/models and
 * platform.minimax.io/docs/api-reference/models/anthropic/list-models, both read 2026-12-01).
 */
import type { CompiledUpstream } from '../plan/types.js';

/** One line of the doctor's report. */
export interface DoctorCheck {
  ok: boolean;
  /** What was checked, e.g. `config` or an upstream name. */
  subject: string;
  /** What was found and, for a problem, what to do about it. */
  detail: string;
}

/** The URL of the models list under an upstream's base URL (a base path such as /anthropic is kept). */
export function modelsUrl(u: CompiledUpstream): URL {
  return new URL(`${u.url.pathname.replace(/\/+$/, '')}/v1/models`, u.url.origin);
}

function requestHeaders(u: CompiledUpstream, key: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'anthropic-version': '2023-06-01', ...u.addHeaders };
  for (const h of u.removeHeaders) delete headers[h];
  if (key && u.auth.kind === 'key') headers[u.auth.as === 'bearer' ? 'authorization' : 'x-api-key'] = u.auth.as === 'bearer' ? `Bearer ${key}` : key;
  return headers;
}

/** The upstream's own error message, cut short, when its answer is an Anthropic-style error. */
async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const m = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof m === 'string' && m ? `: ${m.slice(0, 160)}` : '';
  } catch {
    return '';
  }
}

/** What an answer to GET /v1/models says about an upstream (the key was sent when `key` is set). */
async function judge(u: CompiledUpstream, res: Response, key: string | undefined): Promise<DoctorCheck> {
  const where = `GET ${modelsUrl(u).pathname} answered ${res.status}`;
  const check = (ok: boolean, detail: string): DoctorCheck => ({ ok, subject: u.name, detail });
  const message = res.ok ? (await res.body?.cancel(), '') : await errorMessage(res);
  if (res.status >= 500) return check(false, `${where}${message}: the upstream is failing; try again later, or check upstreams.${u.name}.url`);
  if (u.auth.kind === 'passthrough') return check(true, `reachable (${where}); it uses each client's own credentials, so there is no key to check`);
  if (!key) return check(true, `reachable (${where}); its key is checked once ${u.auth.env} is set`);
  if (res.status === 401 || res.status === 403) return check(false, `rejects the key in ${u.auth.env} (${where}${message}): set ${u.auth.env} to a valid key for ${u.url.origin}`);
  if (res.ok) return check(true, `answers and accepts the key in ${u.auth.env} (${where})`);
  return check(true, `reachable and the key in ${u.auth.env} is not rejected (${where}; this endpoint cannot confirm the key)`);
}

/** Checks one upstream: its key variable (when it has one), then one GET /v1/models within `timeoutMs`. */
export async function checkUpstream(u: CompiledUpstream, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const key = u.auth.kind === 'key' ? env[u.auth.env] || undefined : undefined;
  if (u.auth.kind === 'key') {
    out.push(key ? { ok: true, subject: u.name, detail: `${u.auth.env} is set` } : { ok: false, subject: u.name, detail: `${u.auth.env} is not set: export it, or add it to .env` });
  }
  try {
    const res = await fetch(modelsUrl(u), { headers: requestHeaders(u, key), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    out.push(await judge(u, res, key));
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000}s` : `unreachable (${e.cause?.code ?? e.message})`;
    out.push({ ok: false, subject: u.name, detail: `${why} at ${u.url.origin}: check upstreams.${u.name}.url and that the host is up` });
  }
  return out;
}
