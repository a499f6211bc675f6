/**
 * The routes the reports page adds to production's: the shift calendar's shifts (the shift
 * picker) and MTBF/MTTR per press and stop cause, with a CSV for the latter.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/http-error.js';
import { instant, orderedRange } from '../http/query-params.js';
import { parseQuery } from '../http/validate.js';
import type { ReliabilityRow, ShiftInstance } from '../model/production.js';
import { iso, minutes, sendCsv } from './production-routes.js';
import type { ReliabilityQuery } from './reliability-report.js';
import type { ShiftCalendar } from './shift-calendar.js';

const DAY = 86_400_000;
const causeFamily = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,39}$/, 'a cause code, e.g. jam');
const shiftsQuery = z.strictObject({ from: instant.optional(), to: instant.optional() });
const reliabilityQuery = z.strictObject({
  pressId: z.string().min(1).max(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
  /** One cause family or several, comma-separated; left out: every unplanned cause. */
  cause: z
    .string()
    .max(200)
    .transform((s) =>
      s
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .pipe(z.array(causeFamily).max(10))
    .optional(),
});

export interface ReportRoutesOptions {
  calendar: ShiftCalendar;
  reliability(query: ReliabilityQuery): ReliabilityRow[];
  /** Local midnight of the day holding `t`. */
  startOfDay(t: number): number;
  readGuard: RequestHandler;
  now: () => number;
}

export function reportRoutes(options: ReportRoutesOptions): Router {
  const { calendar, now, readGuard: read } = options;
  const router = Router();

  router.get('/shifts', read, (req, res) => {
    const q = parseQuery(shiftsQuery, req);
    const to = q.to ?? now();
    const from = q.from ?? to - 7 * DAY;
    orderedRange({ from, to });
    if (to - from > 93 * DAY) throw new HttpError(400, 'invalid_request', 'invalid query: at most 93 days of shifts at a time');
    res.json({ shifts: calendar.windows(from, to).map(shiftInstance), timeZone: calendar.timeZone });
  });

  const reliability = (req: Request, res: Response) => {
    const q = parseQuery(reliabilityQuery, req);
    const to = q.to ?? now();
    const { from } = orderedRange({ from: q.from ?? options.startOfDay(to - 30 * DAY), to });
    const rows = options.reliability({ from, to, causes: q.cause ?? [], ...(q.pressId !== undefined ? { pressId: q.pressId } : {}) });
    if (!req.path.endsWith('.csv')) return void res.json({ from, to, rows });
    sendCsv(
      res,
      'reliability',
      now(),
      ['pressId', 'cause', 'label', 'from', 'to', 'failures', 'runMinutes', 'downtimeMinutes', 'mtbfMinutes', 'mttrMinutes'],
      rows.map((r) => [
        r.pressId,
        r.cause,
        r.label,
        iso(from),
        iso(to),
        r.failures,
        minutes(r.runMs),
        minutes(r.downtimeMs),
        r.mtbfMs === null ? null : minutes(r.mtbfMs),
        r.mttrMs === null ? null : minutes(r.mttrMs),
      ]),
    );
  };
  router.get('/reports/reliability', read, reliability);
  router.get('/reports/reliability.csv', read, reliability);
  return router;
}

function shiftInstance(w: { name: string; day: string; start: number; end: number; breaks: { start: number; end: number }[] }): ShiftInstance {
  return { label: `${w.name} ${w.day}`, name: w.name, day: w.day, from: w.start, to: w.end, breaks: w.breaks.map((b) => ({ from: b.start, to: b.end })) };
}
