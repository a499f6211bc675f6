import { Router } from 'express';
import { z } from 'zod';
import { HttpError, notFound } from '../http/http-error.js';
import { HistoryRefused, type HistoryAnswer, type HistoryReadModel, type PressReadModel } from '../http/ports.js';
import { instant, orderedRange } from '../http/query-params.js';
import { parseQuery } from '../http/validate.js';

export const historyQuery = z.strictObject({
  signal: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a signal name such as speed, counter.good, ink.1, paper'),
  from: instant.optional(),
  to: instant.optional(),
  maxPoints: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(2).max(10_000))
    .optional(),
});

/** GET /presses/:id/history: the trend of one recorded signal of a press. */
export function historyRoutes(options: { presses: Pick<PressReadModel, 'get'>; history: HistoryReadModel; now: () => number }): Router {
  const router = Router();
  const { presses, history, now } = options;
  router.get('/presses/:id/history', async (req, res) => {
    const press = presses.get(req.params.id);
    if (!press) throw notFound(`press "${req.params.id}"`);
    const query = parseQuery(historyQuery, req);
    const to = query.to ?? now();
    const from = query.from ?? to - 3600_000;
    orderedRange({ from, to });
    // A read waiting for its turn is dropped when the client goes away.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort(); // only a real hang-up: an abort costs a DOMException
    });
    let answer: HistoryAnswer;
    try {
      answer = await history.history(
        { pressId: press.id, signal: query.signal, from, to, maxPoints: query.maxPoints ?? 500 },
        { client: req.socket.remoteAddress ?? 'unknown', abort: gone.signal, gzip: req.acceptsEncodings('gzip') === 'gzip' },
      );
    } catch (error) {
      if (gone.signal.aborted) return; // nobody is listening any more
      if (!(error instanceof HistoryRefused)) throw error;
      res.setHeader('Retry-After', String(error.retryAfterS));
      if (error.reason === 'client-limit') throw new HttpError(429, 'too_many_requests', error.message);
      throw new HttpError(503, error.reason === 'overloaded' ? 'history_busy' : 'history_unavailable', error.message);
    }
    if (res.writableEnded) return;
    // The ETag comes with the answer (hashed off the event loop): express then answers a
    // matching If-None-Match with 304 as for any other route.
    res.setHeader('ETag', answer.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (answer.encoding === 'gzip') res.setHeader('Content-Encoding', 'gzip');
    res.type('application/json').send(Buffer.from(answer.json.buffer, answer.json.byteOffset, answer.json.byteLength));
  });
  return router;
}
