/**
 * The outside world of a dry run: a RequestIo whose body is given, whose replies are captured as text, and
 * whose forwarder records what each upstream would receive instead of calling it. Upstreams named in
 * `failing` fail as unreachable, so fallbacks are decided by the request path exactly as `serve` decides them.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors.js';
import type { RequestContext } from '../pipeline/context.js';
import type { Forwarder } from '../pipeline/forwarder.js';
import type { MessagesBody } from '../pipeline/messages.js';
import type { LocalAnswer, RequestIo } from '../pipeline/request-path.js';
import type { CompiledUpstream } from '../plan/types.js';
import { filterBetas } from '../profiles/betas.js';
import { protocolTarget, translateFor } from '../protocols/outgoing.js';
import { renderReplyText } from '../server/local-reply.js';

/** What one upstream would have received. */
export interface DryAttempt {
  upstream: string;
  /** True when the dry run made it fail (`failing`). */
  failed: boolean;
  /** The body it would receive, and whether a stage changed it. */
  body: MessagesBody | undefined;
  changed: boolean;
  /** The anthropic-beta header it would receive (undefined: none). */
  betas: string | undefined;
  /** For an upstream speaking another protocol: where the request goes, the translated body, and what was dropped. */
  protocol: { name: string; target: string; body: unknown; notes: string[] } | undefined;
}

/** The dry run's record of a request. */
export interface DryRunRecord {
  attempts: DryAttempt[];
  reply: { status: number; text: string } | undefined;
  /** Names of the response stages the answer would pass through, in order. */
  responseStages: string[] | undefined;
  status: number;
}

/** The anthropic-beta header an upstream gets: unchanged, or filtered by its profile. */
function outgoingBetas(headers: IncomingHttpHeaders, upstream: CompiledUpstream): string | undefined {
  const given = headers['anthropic-beta'];
  if (upstream.profile) return filterBetas(given, upstream.profile.profile.betas).value;
  return Array.isArray(given) ? given.join(',') : given;
}

/** The request as translated for an upstream of another protocol, as serve's forwarder would send it. */
function translated(ctx: RequestContext, upstream: CompiledUpstream): DryAttempt['protocol'] {
  const protocol = upstream.protocol;
  if (!protocol) return undefined;
  const t = translateFor(ctx, upstream, protocol);
  return { name: protocol.name, target: protocolTarget(upstream, protocol), body: t.body, notes: t.notes };
}

function dryForwarder(rec: DryRunRecord, failing: ReadonlySet<string>, input: MessagesBody | undefined): Forwarder<string> {
  return {
    async attempt(ctx, upstream) {
      const failed = failing.has(upstream.name);
      rec.attempts.push({ upstream: upstream.name, failed, body: ctx.changed ? ctx.body : input, changed: ctx.changed, betas: outgoingBetas(ctx.headers, upstream), protocol: translated(ctx, upstream) });
      if (failed) return { ok: false, kind: 'connect', error: new GatewayError('upstream_unreachable', `upstream "${upstream.name}" is unreachable (made to fail by the dry run)`) };
      return { ok: true, status: 200, answer: upstream.name };
    },
    discard() {},
    async deliver(_ctx, _answer, _upstream, stages) {
      rec.responseStages = stages.map((s) => s.name);
      rec.status = 200;
      return 'complete';
    },
    clientGone: () => false,
  };
}

function replyText(ctx: RequestContext, answer: LocalAnswer): { status: number; text: string } {
  if (answer.kind === 'route') return { status: answer.reply.status, text: renderReplyText(ctx, answer.reply) };
  if (answer.kind === 'stage') return { status: answer.status, text: JSON.stringify(answer.json) };
  return { status: 200, text: answer.raw.toString('utf8') };
}

/** What a dry run needs to know of its request. */
export interface DryRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The body as received, parsed apart from the request's own (stages cannot change it). */
  inputBody: MessagesBody | undefined;
  failing: ReadonlySet<string>;
}

/** A dry-run RequestIo and the record it fills. */
export function dryRunIo(req: DryRequest): { io: RequestIo; record: DryRunRecord } {
  const record: DryRunRecord = { attempts: [], reply: undefined, responseStages: undefined, status: 0 };
  const io: RequestIo = {
    method: req.method,
    url: req.path,
    path: req.path.split('?', 1)[0]!,
    headers: req.headers,
    refused: undefined,
    readBody: async () => req.raw,
    reply(ctx, answer) {
      record.reply = replyText(ctx, answer);
      return record.reply.status;
    },
    fail() {},
    answered: () => record.reply !== undefined || record.status !== 0,
    sentStatus: () => record.status,
    forwarder: dryForwarder(record, req.failing, req.inputBody),
  };
  return { io, record };
}
