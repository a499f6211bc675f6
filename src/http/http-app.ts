/**
 * The express application: JSON API under /api and the dashboard's static files. Thin by
 * design: routes validate input with zod and call ports; one error middleware answers.
 */
import express, { type Express, type Router } from 'express';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { errorMiddleware, HttpError, unknownRoute } from './http-error.js';

const JSON_TYPES = ['application/json', 'application/*+json'];

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
  app.use('/api', express.json({ limit: options.jsonLimit ?? '64kb', strict: true, type: JSON_TYPES }));
  for (const middleware of options.before ?? []) app.use(middleware);
  app.use('/api', refuseBodiesNotJson);
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

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * express.json leaves a body of another type unread, so the route would see `{}`: a JSON ack
 * note sent as text/plain would be stored as an ack without its note. Refuse such a body.
 * Runs after the session middleware, so a cross-site form post still gets its 403.
 */
const refuseBodiesNotJson: express.RequestHandler = (req, _res, next) => {
  if (!WRITE_METHODS.has(req.method) || !hasBody(req) || req.is(JSON_TYPES)) return next();
  const got = req.headers['content-type'] ? `Content-Type ${req.headers['content-type'].slice(0, 100)}` : 'no Content-Type';
  next(new HttpError(415, 'unsupported_media_type', `send the body as JSON with Content-Type: application/json (got ${got})`));
};

/** Not req.is's own test, which counts `Content-Length: 0` (fetch's bodiless POST) as a body. */
function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function noCacheHtml(res: express.Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
