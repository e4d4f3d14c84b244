/**
 * The first mmexec's DEBUG switch. DEBUG=1 logs each routing decision and a one-line summary of every message
 * sent on; DEBUG=2 also dumps each request body before and after the transforms to
 * `logs/<unix-nanoseconds>-<label>.json` (MMEXEC_DEBUG_DIR moves the folder), redacted and cut short.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RequestContext, Services } from '../pipeline/context.js';
import { redactForDump } from './redact.js';
import { describeDecision, summarizeMessages } from './summarize.js';

/** 0 = off, 1 = decisions and message summaries, 2 = also body dumps. */
export type DebugLevel = 0 | 1 | 2;

/** Reads DEBUG: "2" (or more) dumps bodies, any other value but "", "0" and "false" turns on summaries. */
export function debugLevel(env: NodeJS.ProcessEnv): DebugLevel {
  const v = (env.DEBUG ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false' || v === 'no' || v === 'off') return 0;
  return Number(v) >= 2 ? 2 : 1;
}

interface DebugSettings {
  level: DebugLevel;
  dir: string;
  dirMade: boolean;
  warned: boolean;
}

/** Settings per gateway, read from its environment once. */
const settings = new WeakMap<Services, DebugSettings>();

function settingsOf(services: Services): DebugSettings {
  let s = settings.get(services);
  if (!s) {
    s = { level: debugLevel(services.env), dir: resolve(services.env.MMEXEC_DEBUG_DIR || 'logs'), dirMade: false, warned: false };
    settings.set(services, s);
  }
  return s;
}

let lastStamp = 0n;

/** Unix time in nanoseconds, strictly increasing within the process (so file names never collide). */
export function unixNanos(): bigint {
  let ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  if (ns <= lastStamp) ns = lastStamp + 1n;
  lastStamp = ns;
  return ns;
}

/**
 * Reports a request once its route is chosen and its request transforms have run (call it right before the
 * local reply or the forward). Does nothing unless DEBUG is set; never throws.
 */
export function debugRequest(ctx: RequestContext): void {
  const s = settingsOf(ctx.services);
  if (s.level === 0) return;
  try {
    ctx.log.info(`debug ${describeDecision(ctx)}`);
    const messages = ctx.body?.messages;
    for (const line of summarizeMessages(messages)) ctx.log.info(`debug ${line}`);
    if (s.level >= 2) dumpBodies(ctx, s);
  } catch (err) {
    ctx.log.warn('debug output failed', { error: (err as Error).message });
  }
}

function dumpBodies(ctx: RequestContext, s: DebugSettings): void {
  const common = { request_id: ctx.id, method: ctx.method, url: ctx.url, route: ctx.route?.name, session: ctx.session };
  let before: unknown;
  try {
    before = ctx.raw.length > 0 ? JSON.parse(ctx.raw.toString('utf8')) : undefined;
  } catch {
    before = ctx.raw.toString('utf8');
  }
  write(ctx, s, `${ctx.id}-before`, { ...common, stage: 'before transforms', headers: ctx.headers, body: before });
  if (ctx.route?.reply) return;
  const after = ctx.changed ? ctx.body : before;
  write(ctx, s, `${ctx.id}-after-${ctx.upstream?.name ?? 'none'}`, { ...common, stage: 'after transforms', upstream: ctx.upstream?.name, changed: ctx.changed, body: after });
}

/** Written synchronously: DEBUG=2 is for reading what happened, and the dump exists before the upstream is called. */
function write(ctx: RequestContext, s: DebugSettings, label: string, data: Record<string, unknown>): void {
  const file = join(s.dir, `${unixNanos()}-${label}.json`);
  try {
    if (!s.dirMade) mkdirSync(s.dir, { recursive: true, mode: 0o700 });
    s.dirMade = true;
    writeFileSync(file, JSON.stringify(redactForDump(data), null, 2), { mode: 0o600 });
  } catch (err) {
    if (s.warned) return;
    s.warned = true;
    ctx.log.warn('DEBUG=2 could not write a body dump', { file, error: (err as Error).message });
  }
}
