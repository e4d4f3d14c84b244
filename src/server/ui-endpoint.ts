/**
 * GET /ui (the live page) and GET /ui/data (its JSON: the data and the rendered live HTML). Protected like
 * /status: `Authorization: Bearer <server.metrics_token>`, or for the page only `?token=<same>`.
 */
import type { Express, Request, Response } from 'express';
import { errorBody } from '../errors.js';
import { renderLive } from '../ui/render-ui.js';
import { gatherUiData } from '../ui/ui-data.js';
import { renderPage, UI_HEADERS } from '../ui/ui-page.js';
import type { Gateway } from './gateway.js';

/** The `token` query parameter of a URL, if any. */
export function tokenParam(url: string): string | undefined {
  const q = url.indexOf('?');
  return q < 0 ? undefined : (new URLSearchParams(url.slice(q + 1)).get('token') ?? undefined);
}

/**
 * Adds the two routes. `allowed(req, res, queryToken)` checks the credentials (a query token counts only
 * when given) and answers 401 itself when they fail.
 */
export function addUiRoutes(app: Express, gw: Gateway, allowed: (req: Request, res: Response, queryToken?: string) => boolean): void {
  app.get('/ui', async (req: Request, res: Response) => {
    res.set(UI_HEADERS);
    if (!allowed(req, res, tokenParam(req.url))) return;
    const data = await gatherUiData(gw);
    res.type('html').send(renderPage(renderLive(data), gw.version));
  });

  app.get('/ui/data', async (req: Request, res: Response) => {
    res.set(UI_HEADERS);
    if (!allowed(req, res)) return;
    const data = await gatherUiData(gw);
    res.json({ ...data, html: renderLive(data) });
  });
}
