/** Renders a simulation as the readable report of `mmexec explain`. */
import type { StickyScope } from '../config/types.js';
import type { CompiledUpstream, Plan } from '../plan/types.js';
import { diffJson, formatDiff } from './json-diff.js';
import type { Simulation, SimulationInput } from './simulate.js';

function stateText(s: Partial<Record<StickyScope, string>>): string {
  const parts = Object.entries(s).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function kb(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}

/** The state change line: what the route's sticky action does, from this request on. */
function stateChange(plan: Plan, sim: Simulation): string {
  const action = sim.route?.sticky;
  if (!action) return 'none (the route has no sticky action)';
  const before = sim.stickyBefore[action.scope] ?? 'none';
  const after = sim.stickyAfter[action.scope] ?? 'none';
  const verb = action.op === 'set' ? `set ${action.scope} to ${JSON.stringify(action.value)}` : `clear ${action.scope}`;
  const who = action.scope === 'session' ? ` (session ${sim.session ?? (plan.sessions.fallback === 'global' ? 'none: global fallback' : 'none')})` : '';
  const when = sim.route?.reply ? '' : ', once the upstream accepts the request (2xx)';
  return `${verb}${who}: ${before} → ${after}${before === after ? ' (unchanged)' : ''}${when}`;
}

/** The report lines: request, routes tried with their condition traces, choice, state change, body diff. */
export function formatExplain(plan: Plan, input: SimulationInput, sim: Simulation): string {
  const out: string[] = [];
  const model = typeof sim.inputBody?.model === 'string' ? sim.inputBody.model : 'none';
  out.push(`Request: ${input.method} ${input.path}  model ${model}  session ${sim.session ?? 'none'}  (${kb(input.raw.length)})`);
  if (plan.clients.length > 0) out.push(`Client: ${sim.client ?? 'none (refused before routing)'}`);
  out.push(`Sticky state before: ${stateText(sim.stickyBefore)}`, '', 'Routes (first match wins):');
  plan.routes.forEach((route, i) => {
    const trace = sim.traces.find((t) => t.route === route.name);
    if (!trace) {
      out.push(`  · ${i + 1} ${route.name} (not evaluated)`);
      return;
    }
    out.push(`  ${trace.matched ? '✓' : '✗'} ${i + 1} ${route.name}${trace.matched ? '  ← chosen' : ''}`);
    for (const l of trace.lines) out.push(`      ${'  '.repeat(l.depth)}${l.result ? '✓' : '✗'} ${l.text}`);
  });
  out.push('');
  if (sim.error) {
    out.push(`Gateway error: ${sim.error.status} ${sim.error.type}: ${sim.error.message}`, ...sim.profileNotes.map((n) => `  - ${n}`));
    return `${out.join('\n')}\n`;
  }
  const route = sim.route!;
  out.push(`State change: ${stateChange(plan, sim)}`);
  if (sim.reply && route.reply) {
    out.push(`Local reply: ${sim.reply.status} (${route.reply.as})`, `  ${sim.reply.text}`, 'No upstream is called.');
    return `${out.join('\n')}\n`;
  }
  const u = sim.upstream;
  if (!u) return `${out.join('\n')}\n`;
  out.push(...upstreamLines(input, sim, u));
  if (sim.reply) {
    out.push(`Local reply: ${sim.reply.status} ${sim.reply.text}`, 'No upstream is called.');
    return `${out.join('\n')}\n`;
  }
  if (!sim.changed) {
    out.push('Body: sent unchanged (the client\'s exact bytes)');
  } else {
    const lines = formatDiff(diffJson(sim.inputBody, sim.outgoingBody));
    if (lines.length === 0) out.push('Body: the same content as the client\'s, re-encoded');
    else out.push(`Body changes (${lines.length} line${lines.length === 1 ? '' : 's'}):`, ...lines.map((l) => `  ${l}`));
  }
  if (sim.protocol) out.push(...protocolLines(sim.protocol));
  return `${out.join('\n')}\n`;
}

/** An upstream of another protocol: where the translated request goes and what the translation left out. */
function protocolLines(p: NonNullable<Simulation['protocol']>): string[] {
  const fields = Object.keys((p.body ?? {}) as object).join(', ');
  const notes = p.notes.length === 0 ? ['  - everything carried over'] : p.notes.map((n) => `  - ${n}`);
  return [`Protocol: ${p.name} — translated last, sent as POST ${p.target}`, `  fields sent: ${fields}`, ...notes];
}

/** The upstream, its transforms and what its provider profile changed. */
function upstreamLines(input: SimulationInput, sim: Simulation, u: CompiledUpstream): string[] {
  const out: string[] = [];
  const base = `${u.url.origin}${u.url.pathname.replace(/\/$/, '')}`;
  const auth = u.auth.kind === 'key' ? `key from $${u.auth.env} as ${u.auth.as}` : u.protocol ? 'no key sent' : 'client credentials passed through';
  const moved = sim.reroutedFrom ? `, moved from ${sim.reroutedFrom} by its profile` : '';
  out.push(`Upstream: ${u.name} → ${input.method} ${base}${input.path}  (${auth}${u.fallback ? `, fallback ${u.fallback}` : ''}${moved})`);
  if (sim.overBudgetFrom) out.push(`Budget: over a cap; moved from ${sim.overBudgetFrom} to the client's over_budget upstream ${u.name}`);
  out.push(...attemptLines(sim));
  out.push(`Request stages: ${sim.requestStages.length > 0 ? sim.requestStages.join(', ') : 'none'}`);
  if (sim.responseStages.length > 0) out.push(`Response stages: ${sim.responseStages.join(', ')}`);
  if (u.profile || sim.profileNotes.length > 0) {
    const name = u.profile ? `${u.profile.profile.name} — ${u.profile.profile.title}` : `none on ${u.name}; changes on the way`;
    out.push(`Profile: ${name}${sim.profileNotes.length === 0 ? ': nothing to change' : ''}`, ...sim.profileNotes.map((n) => `  - ${n}`));
  }
  return out;
}

/** The upstreams tried, when more than one was (a dry-run failure and its fallback). */
function attemptLines(sim: Simulation): string[] {
  if (sim.attempts.length < 2 && !sim.attempts[0]?.failed) return [];
  return [`Attempts: ${sim.attempts.map((a) => `${a.upstream}${a.failed ? ' (fails)' : ' (answers)'}`).join(' → fallback ')}`];
}
