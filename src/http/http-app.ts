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
  /** Routers mounted at the root, outside /api (GET /metrics, POST /xjmf), after the `before` middleware and before the dashboard's files. */
  rootRouters?: Router[];
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
  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(req.headers.host));
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    next();
  });
  app.use('/api', express.json({ limit: options.jsonLimit ?? '64kb', strict: true, type: JSON_TYPES }));
  for (const middleware of options.before ?? []) app.use(middleware);
  app.use('/api', refuseBodiesNotJson);
  for (const router of options.apiRouters) app.use('/api', router);
  app.use('/api', unknownRoute);
  for (const router of options.rootRouters ?? []) app.use(router);
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
 * Only the dashboard's own files run: no inline script, no eval, no inline style markup (the
 * dashboard sets styles through the CSSOM, which CSP allows), no plug-ins, no framing, no
 * foreign `<base>`. The favicon is a data: URL. connect-src names the WebSocket origin of the
 * request's Host as well: older browsers (Safari before 15.4) do not count ws: as 'self'. The
 * Host has passed the host guard already; anything unusual in it is left out anyway.
 */
function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host !== undefined && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The dashboard uses none of these; a script that got in anyway cannot ask for them either. */
const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'bluetooth=()',
  'payment=()',
  'midi=()',
  'display-capture=()',
  'fullscreen=(self)',
].join(', ');

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
