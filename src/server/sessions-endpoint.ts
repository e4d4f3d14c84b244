/**
 * GET /sessions/<id> (one session's ledger, the fixed shape of ledger/session-view.ts) and GET /sessions
 * (the most recent sessions, newest first; `?limit=` up to 500, default 50). Protected like /status.
 */
import type { Express, Request, Response } from 'express';
import { GatewayError } from '../errors.js';
import { sendError } from './local-reply.js';
import type { Gateway } from './gateway.js';

/** Session ids as session-key.ts accepts them. */
const SESSION_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;
const MAX_LIMIT = 500;

/** The `limit` query parameter: an integer from 1 to MAX_LIMIT, else `fallback`. */
export function limitParam(url: string, fallback: number): number {
  const q = url.indexOf('?');
  const raw = q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get('limit');
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_LIMIT) : fallback;
}

function storeFailed(res: Response): void {
  sendError(res, new GatewayError('state_unavailable', 'the state store is unavailable; try again shortly'));
}

/** Adds the two routes; `allowed` checks the request's credentials (answering 401 itself when they fail). */
export function addSessionRoutes(app: Express, gw: Gateway, allowed: (req: Request, res: Response) => boolean): void {
  app.get('/sessions', async (req: Request, res: Response) => {
    if (!allowed(req, res)) return;
    try {
      res.json({ sessions: await gw.ledger.recent(limitParam(req.url, 50)) });
    } catch {
      storeFailed(res);
    }
  });

  app.get('/sessions/:id', async (req: Request, res: Response) => {
    if (!allowed(req, res)) return;
    const id = String(req.params.id);
    try {
      const view = SESSION_ID.test(id) ? await gw.ledger.get(id) : undefined;
      if (view) res.json(view);
      else sendError(res, new GatewayError('session_unknown', `no session "${id.slice(0, 128)}" in the ledger (never seen, or older than state.ledger_ttl)`));
    } catch {
      storeFailed(res);
    }
  });
}
