/**
 * The express application: JSON API under /api and the dashboard's static files. Thin by
 * design: routes validate input with zod and call ports; one error middleware answers.
 */
import express, { type Express, type Router } from 'express';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { errorMiddleware, unknownRoute } from './http-error.js';

export interface HttpAppOptions {
  logger: Logger;
  /** Routers mounted under /api, in order. */
  apiRouters: Router[];
  /** Middleware run before the API routers (sessions, auth). */
  before?: express.RequestHandler[];
  /** Folder of the built dashboard; a minimal status page is served when absent. */
  staticDir?: string;
  fallbackPage?: string;
  jsonLimit?: string;
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  app.use('/api', express.json({ limit: options.jsonLimit ?? '64kb', strict: true, type: ['application/json', 'application/*+json'] }));
  for (const middleware of options.before ?? []) app.use(middleware);
  for (const router of options.apiRouters) app.use('/api', router);
  app.use('/api', unknownRoute);
  if (options.staticDir && existsSync(options.staticDir)) {
    app.use(express.static(options.staticDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheHtml }));
    // client-side routes of the single-page dashboard
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => res.sendFile('index.html', { root: options.staticDir, headers: { 'Cache-Control': 'no-cache' } }));
  } else if (options.fallbackPage) {
    const page = options.fallbackPage;
    app.get('/', (_req, res) => res.type('html').send(page));
  }
  app.use(unknownRoute);
  app.use(errorMiddleware(options.logger));
  return app;
}

function noCacheHtml(res: express.Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
