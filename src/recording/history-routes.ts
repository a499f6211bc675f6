import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../http/http-error.js';
import type { HistoryReadModel, PressReadModel } from '../http/ports.js';
import { instant, orderedRange } from '../http/query-params.js';
import { parseQuery } from '../http/validate.js';

const historyQuery = z.strictObject({
  signal: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a signal name such as speed, counter.good, ink.1, paper'),
  from: instant.optional(),
  to: instant.optional(),
  maxPoints: z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().int().min(2).max(10_000)).optional(),
});

/** GET /presses/:id/history: the trend of one recorded signal of a press. */
export function historyRoutes(options: { presses: Pick<PressReadModel, 'get'>; history: HistoryReadModel; now: () => number }): Router {
  const router = Router();
  const { presses, history, now } = options;
  router.get('/presses/:id/history', (req, res) => {
    const press = presses.get(req.params.id);
    if (!press) throw notFound(`press "${req.params.id}"`);
    const query = parseQuery(historyQuery, req);
    const to = query.to ?? now();
    const from = query.from ?? to - 3600_000;
    orderedRange({ from, to });
    const result = history.history({ pressId: press.id, signal: query.signal, from, to, maxPoints: query.maxPoints ?? 500 });
    res.json({ pressId: press.id, signal: query.signal, from, to, ...result });
  });
  return router;
}
