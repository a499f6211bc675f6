/**
 * GET /metrics, outside /api (where Prometheus looks by default). Who may scrape: anyone when
 * `metrics.anonymous` is true; else the bearer token of `metrics.token`, compared in constant
 * time. A dashboard session does not count: a scraper has no cookie, and a browser tab that
 * has one is not a scraper.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { HttpError } from '../http/http-error.js';
import type { MetricsConfig } from './metrics-config.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** Without a registry (metrics closed) the guard refuses every scrape. */
export function metricsRoutes(options: { registry: MetricsRegistry | undefined; config: MetricsConfig }): Router {
  const router = Router();
  const { registry } = options;
  router.get('/metrics', scrapeGuard(registry ? options.config : { anonymous: false }), async (_req, res) => {
    const body = await registry!.scrape();
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry!.contentType).send(body);
  });
  return router;
}

export function scrapeGuard(config: MetricsConfig): RequestHandler {
  if (config.anonymous) return (_req, _res, next) => next();
  const expected = config.token === undefined ? undefined : digest(config.token);
  return (req, res, next) => {
    if (expected === undefined) {
      return next(new HttpError(403, 'metrics_closed', 'metrics are closed: set metrics.token (or metrics.anonymous: true) in the config'));
    }
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(req.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]!), expected)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="pressroom-metrics"');
    next(new HttpError(401, 'unauthenticated', 'send the scrape token: Authorization: Bearer <metrics.token>'));
  };
}

/** Equal-length digests, so the comparison takes the same time whatever was sent. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
