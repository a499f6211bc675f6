/**
 * The routes the reports page adds to production's: the shift calendar's shifts (the shift
 * picker), MTBF/MTTR per press and stop cause, a press's timeline of run states by cause, and
 * the CSV of the jobs, downtime, timeline and job supplies tables (the same query as the JSON).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/http-error.js';
import { instant, orderedRange } from '../http/query-params.js';
import { parseQuery } from '../http/validate.js';
import type { DowntimeEvent, Job, JobWithSupplies, ReliabilityRow, ShiftInstance } from '../model/production.js';
import { jobStates } from '../model/vocabulary.js';
import { iso, jobRef, minutes, sendCsv } from './production-routes.js';
import type { ReliabilityQuery } from './reliability-report.js';
import type { ShiftCalendar } from './shift-calendar.js';
import { timelineStretches, type TransitionsPort } from './timeline-report.js';

const DAY = 86_400_000;
const causeFamily = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,39}$/, 'a cause code, e.g. jam');
export const shiftsQuery = z.strictObject({ from: instant.optional(), to: instant.optional() });
export const reliabilityQuery = z.strictObject({
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

const flag = z.enum(['true', 'false', '1', '0'], { error: 'true or false' }).transform((v) => v === 'true' || v === '1');
export const jobsCsvQuery = z.strictObject({
  pressId: z.string().min(1).max(64).optional(),
  state: z.enum(jobStates, { error: `one of ${jobStates.join(', ')}` }).optional(),
  from: instant.optional(),
  to: instant.optional(),
  /** Only jobs that started (a shift's jobs, not the queue). */
  started: flag.optional(),
});
export const timelineQuery = z.strictObject({ pressId: z.string().min(1).max(64), from: instant.optional(), to: instant.optional() });
export const downtimeCsvQuery = z.strictObject({
  pressId: z.string().min(1).max(64).optional(),
  from: instant.optional(),
  to: instant.optional(),
  uncoded: flag.optional(),
});

export interface ReportRoutesOptions {
  listJobs(query: { pressId?: string; state?: Job['state']; from?: number; to?: number }): Job[];
  listDowntime(query: { pressId?: string; from: number; to: number; uncoded: boolean }): DowntimeEvent[];
  jobWithSupplies(ref: number | string): JobWithSupplies;
  /** The presses' stored transitions; absent: no timeline (404). */
  transitions?: TransitionsPort | undefined;
  pressIds: readonly string[];
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
  router.get('/jobs.csv', read, (req, res) => {
    const q = parseQuery(jobsCsvQuery, req);
    orderedRange({ from: q.from, to: q.to });
    const { started, ...query } = q;
    const jobs = options.listJobs(defined(query)).filter((j) => !started || j.startedAt !== null);
    sendCsv(
      res,
      'jobs',
      now(),
      [
        'id',
        'jobId',
        'name',
        'customer',
        'pressId',
        'state',
        'source',
        'startedAt',
        'finishedAt',
        'plannedGood',
        'makeReadyMinutes',
        'makeReadyWaste',
        'runMinutes',
        'downtimeMinutes',
        'total',
        'good',
        'waste',
        'averageSpeed',
        'ratedSpeed',
      ],
      jobs.map((j) => [
        j.id,
        j.jobId,
        j.name,
        j.customer,
        j.pressId,
        j.state,
        j.source,
        j.startedAt === null ? null : iso(j.startedAt),
        j.finishedAt === null ? null : iso(j.finishedAt),
        j.plannedGood,
        j.makeReadyMs === null ? null : minutes(j.makeReadyMs),
        j.makeReadyWaste,
        minutes(j.runMs),
        minutes(j.downtimeMs),
        j.total,
        j.good,
        j.waste,
        j.averageSpeed,
        j.ratedSpeed,
      ]),
    );
  });
  router.get('/downtime.csv', read, (req, res) => {
    const q = parseQuery(downtimeCsvQuery, req);
    const to = q.to ?? now();
    const { from } = orderedRange({ from: q.from ?? to - DAY, to });
    const events = options.listDowntime({ from, to, uncoded: q.uncoded ?? false, ...(q.pressId !== undefined ? { pressId: q.pressId } : {}) });
    sendCsv(
      res,
      'downtime',
      now(),
      ['id', 'pressId', 'from', 'to', 'minutes', 'state', 'jobId', 'causeCode', 'causeLabel', 'category', 'source', 'note'],
      events.map((e) => [
        e.id,
        e.pressId,
        iso(e.from),
        e.to === null ? null : iso(e.to),
        minutes(e.durationMs),
        e.state,
        e.jobId,
        e.cause?.code ?? null,
        e.cause?.label ?? null,
        e.cause?.category ?? null,
        e.cause?.source ?? null,
        e.note,
      ]),
    );
  });
  const timeline = (req: Request, res: Response) => {
    const q = parseQuery(timelineQuery, req);
    if (!options.transitions || !options.pressIds.includes(q.pressId)) throw new HttpError(404, 'not_found', `press "${q.pressId}" not found`);
    const asked = q.to ?? now();
    const from = q.from ?? asked - DAY;
    orderedRange({ from, to: asked });
    // up to now: the rest of a shift going on has no run state yet
    const to = Math.max(from, Math.min(asked, now()));
    if (to - from > 31 * DAY) throw new HttpError(400, 'invalid_request', 'invalid query: at most 31 days of timeline at a time');
    const stretches = timelineStretches({
      transitions: options.transitions.list({ pressId: q.pressId, from, to }),
      previous: options.transitions.inForceAt(q.pressId, from),
      events: options.listDowntime({ pressId: q.pressId, from, to, uncoded: false }),
      from,
      to,
    });
    if (!req.path.endsWith('.csv')) return void res.json({ pressId: q.pressId, from, to, stretches });
    sendCsv(
      res,
      `timeline-${q.pressId}`,
      now(),
      ['pressId', 'from', 'to', 'minutes', 'state', 'reason', 'causeCode', 'causeLabel', 'category', 'source'],
      stretches.map((s) => [
        q.pressId,
        iso(s.from),
        iso(s.to),
        minutes(s.to - s.from),
        s.state,
        s.reason,
        s.cause?.code ?? null,
        s.cause?.label ?? null,
        s.cause?.category ?? null,
        s.cause?.source ?? null,
      ]),
    );
  };
  /** The job report's ink and paper table: measured level drops over the job's time, and what was logged. */
  router.get('/jobs/:id/supplies.csv', read, (req, res) => {
    const job = options.jobWithSupplies(jobRef(req));
    const from = job.startedAt === null ? null : iso(job.startedAt);
    const to = job.startedAt === null ? null : iso(job.finishedAt ?? now());
    const logged = (items: { uom: string; quantity: number }[]) => items.map((q) => `${q.quantity} ${q.uom}`).join('; ');
    const supplies = job.supplies;
    sendCsv(
      res,
      `job-${job.jobId}-supplies`,
      now(),
      ['jobId', 'pressId', 'from', 'to', 'supply', 'unit', 'color', 'usedPercentPoints', 'pilesLoaded', 'logged'],
      supplies
        ? [
            ...supplies.ink.map((i) => [job.jobId, job.pressId, from, to, 'ink', i.unit, i.color, i.levelUsed, null, logged(i.logged)]),
            [job.jobId, job.pressId, from, to, 'paper', null, null, supplies.paper.pileUsed, supplies.paper.pilesLoaded, logged(supplies.paper.logged)],
          ]
        : [],
    );
  });
  router.get('/reports/timeline', read, timeline);
  router.get('/reports/timeline.csv', read, timeline);
  router.get('/reports/reliability', read, reliability);
  router.get('/reports/reliability.csv', read, reliability);
  return router;
}

function shiftInstance(w: { name: string; day: string; start: number; end: number; breaks: { start: number; end: number }[] }): ShiftInstance {
  return { label: `${w.name} ${w.day}`, name: w.name, day: w.day, from: w.start, to: w.end, breaks: w.breaks.map((b) => ({ from: b.start, to: b.end })) };
}

/** Drops undefined fields (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
