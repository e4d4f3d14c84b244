/** The express app: the gateway's own endpoints, then everything else through the pipeline. */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type Request, type Response } from 'express';
import { asGatewayError, GatewayError } from '../errors.js';
import type { Gateway } from './gateway.js';
import { handleRequest } from './handle-request.js';
import { sendError } from './local-reply.js';
import { normalizeTarget, type RequestTarget } from './request-target.js';
import { addSessionRoutes } from './sessions-endpoint.js';
import { buildStatus } from './status.js';
import { addUiRoutes } from './ui-endpoint.js';

/** Paths the gateway answers itself; they are never passed through. */
export const OWN_PATHS = ['/healthz', '/metrics', '/status', '/sessions', '/ui', '/ui/data'] as const;

/** Path prefixes the gateway answers itself (`/sessions/<id>`). */
export const OWN_PREFIXES = ['/sessions/'] as const;

/** Checks `Authorization: Bearer <token>` in constant time when a token is configured. */
export function bearerOk(req: Request, token: string | undefined): boolean {
  if (!token) return true;
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** Checks a token given some other way than the header (the /ui page's `?token=`) in constant time. */
function tokenOk(given: string, token: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(token).digest());
}

/**
 * The check of the endpoints protected like /status: answers 401 itself and returns false when the
 * credentials fail. A query token counts only where the endpoint passes one.
 */
function metricsAccess(gw: Gateway, what: string): (req: Request, res: Response, queryToken?: string) => boolean {
  return (req, res, queryToken) => {
    const token = gw.plan.server.metricsToken;
    if (bearerOk(req, token) || (token !== undefined && queryToken !== undefined && tokenOk(queryToken, token))) return true;
    sendError(res, new GatewayError('token_required', `${what} require Authorization: Bearer <token>`));
    return false;
  };
}

/** Builds the app for a gateway. */
export function createApp(gw: Gateway): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', false);

  app.get('/healthz', (_req: Request, res: Response) => {
    const draining = gw.draining;
    const store = gw.services.store.status?.() ?? 'ok';
    res.status(draining ? 503 : 200).json({
      status: draining ? 'draining' : store === 'ok' ? 'ok' : 'degraded',
      state_store_status: store,
      version: gw.version,
      config_digest: gw.plan.digest,
      state_store: gw.services.store.kind,
      uptime_seconds: Math.round((Date.now() - gw.startedAt) / 1000),
    });
  });

  app.get('/metrics', async (req: Request, res: Response) => {
    if (!bearerOk(req, gw.plan.server.metricsToken)) {
      sendError(res, new GatewayError('token_required', 'metrics require Authorization: Bearer <token>'));
      return;
    }
    res.set('content-type', gw.registry.contentType).send(await gw.registry.metrics());
  });

  app.get('/status', async (req: Request, res: Response) => {
    if (!bearerOk(req, gw.plan.server.metricsToken)) {
      sendError(res, new GatewayError('token_required', 'status requires Authorization: Bearer <token>'));
      return;
    }
    res.json(await buildStatus(gw));
  });

  addSessionRoutes(app, gw, metricsAccess(gw, 'sessions'));
  addUiRoutes(app, gw, metricsAccess(gw, 'the ui and its data (or ?token=<token> to open the page)'));

  app.all([...OWN_PATHS, '/sessions/:id'], (req: Request, res: Response) => {
    sendError(res, new GatewayError('method_not_allowed', `${req.method} is not allowed on ${req.path}`));
  });
  app.use((req: Request, res: Response) => {
    sendError(res, new GatewayError('no_route', `the gateway has no ${req.path}`));
  });
  return app;
}

const OWN = new Set<string>(OWN_PATHS);

/**
 * The server's request handler: normalises the target once (req.url becomes the normalised form, which is
 * what the upstream receives), then sends the gateway's own endpoints through the express app and
 * everything else straight into the pipeline (no router work on the proxied path).
 */
export function createHandler(gw: Gateway): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createApp(gw);
  return (req, res) => {
    let target: RequestTarget | GatewayError;
    try {
      target = normalizeTarget(req.url ?? '/');
      req.url = target.url;
    } catch (err) {
      target = asGatewayError(err);
    }
    if (!(target instanceof GatewayError) && (OWN.has(target.path) || OWN_PREFIXES.some((p) => target.path.startsWith(p)))) app(req, res);
    else void handleRequest(gw, req, res, target);
  };
}
