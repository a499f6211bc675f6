/**
 * Jobs, downtime events and the reports over HTTP. Reads follow the read guard (anonymous
 * read or any session); creating, starting, finishing and renaming jobs and coding a stop
 * need the operator role; coding a stop is audited.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { clientAddress, currentUser, requireRole } from '../http/auth-guard.js';
import { HttpError, notFound } from '../http/http-error.js';
import { instant, orderedRange } from '../http/query-params.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { csvDocument } from '../lib/csv.js';
import { freeText } from '../lib/free-text.js';
import { jobStates, oeeGroupings } from '../model/vocabulary.js';
import type { ProductionService } from './production-service.js';
import type { ReportAnswer, ReportAnswers } from './report-answers.js';

const DAY = 86_400_000;
const pressId = z.string().min(1).max(64);
const text = (max: number) => freeText(z.string().trim().min(1).max(max));
const flag = z.enum(['true', 'false', '1', '0'], { error: 'true or false' }).transform((v) => v === 'true' || v === '1');

export const jobBody = z.strictObject({
  jobId: z
    .string()
    .trim()
    .regex(/^[\w./-]{1,40}$/, 'the MIS job number: letters, digits and . / - _ (at most 40)'),
  pressId: pressId.optional(),
  name: text(120).optional(),
  customer: text(120).optional(),
  plannedGood: z.number().int().min(0).max(100_000_000).optional(),
  plannedMakeReadyMinutes: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
  source: z.enum(['operator', 'mis']).optional(),
});
export const jobPatch = z.strictObject({
  name: text(120).optional(),
  customer: text(120).nullable().optional(),
  plannedGood: z.number().int().min(0).max(100_000_000).nullable().optional(),
  plannedMakeReadyMinutes: z
    .number()
    .min(0)
    .max(24 * 60)
    .nullable()
    .optional(),
});
export const startBody = z.strictObject({ pressId });
export const jobsQuery = z.strictObject({
  pressId: pressId.optional(),
  state: z.enum(jobStates, { error: `one of ${jobStates.join(', ')}` }).optional(),
  from: instant.optional(),
  to: instant.optional(),
});
export const downtimeQuery = z.strictObject({ pressId: pressId.optional(), from: instant.optional(), to: instant.optional(), uncoded: flag.optional() });
export const causeBody = z.strictObject({ code: z.string().min(1).max(40), note: freeText(z.string().trim().max(500), { multiline: true }).optional() });
export const reportQuery = z.strictObject({ pressId: pressId.optional(), from: instant.optional(), to: instant.optional() });
export const oeeQuery = reportQuery.extend({ groupBy: z.enum(oeeGroupings, { error: `one of ${oeeGroupings.join(', ')}` }).default('shift') });
const idParam = z.string().regex(/^\d{1,15}$/, 'an id');

export interface ProductionRoutesOptions {
  service: ProductionService;
  readGuard: RequestHandler;
  now: () => number;
  /** Report answers kept as sent (report-answers.ts); absent: every request is worked out. */
  answers?: ReportAnswers;
}

/** A report's body as sent, before it is kept. */
interface ReportBody {
  body: string;
  contentType: string;
}
const JSON_TYPE = 'application/json; charset=utf-8';
const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

export function productionRoutes(options: ProductionRoutesOptions): Router {
  const { service, now, readGuard: read } = options;
  const router = Router();
  const operator = requireRole('operator');
  /** The range asked for; without `from`, reports start at the local midnight `defaultDays` ago (whole shifts and days). */
  const range = (q: { from?: number | undefined; to?: number | undefined }, defaultDays: number, alignToDays = false) => {
    const to = q.to ?? now();
    const from = q.from ?? (alignToDays ? service.startOfDay(to - defaultDays * DAY) : to - defaultDays * DAY);
    return orderedRange({ from, to });
  };
  /**
   * Sends the kept answer of this request, or works it out and keeps it. The key is the
   * normalised query; a range reaching now is keyed at whole seconds of its start (its answer
   * is kept only a second anyway, and a client asking "the last 365 days" moves its start by
   * the millisecond). A job grouping is never kept: running jobs' figures move with every sheet.
   */
  const report = (
    req: Request,
    res: Response,
    query: { name: string; from: number; to: number; toGiven: boolean; pressId?: string | undefined; groupBy?: string },
    make: () => ReportBody,
  ) => {
    const csv = req.path.endsWith('.csv');
    const live = !query.toGiven || query.to > now();
    const keyFrom = live ? Math.floor(query.from / 1000) * 1000 : query.from;
    const key = [query.name, csv ? 'csv' : 'json', query.pressId ?? '*', query.groupBy ?? '', keyFrom, query.toGiven ? query.to : 'now'].join('|');
    const cacheable = options.answers !== undefined && query.groupBy !== 'job';
    let answer: ReportAnswer | undefined = cacheable ? options.answers!.get(key) : undefined;
    if (!answer) {
      const made = make();
      const body = Buffer.from(made.body);
      answer = cacheable
        ? options.answers!.keep(key, { from: query.from, to: query.to, live, body, contentType: made.contentType })
        : { body, gzipped: null, contentType: made.contentType, etag: '' };
    }
    if (csv) res.setHeader('Content-Disposition', `attachment; filename="${query.name}-${new Date(now()).toISOString().slice(0, 10)}.csv"`);
    res.setHeader('Content-Type', answer.contentType);
    if (answer.etag !== '') {
      res.setHeader('ETag', answer.etag);
      if (req.fresh) return void res.status(304).end();
    }
    if (answer.gzipped) {
      res.setHeader('Vary', 'Accept-Encoding');
      if (req.headers['accept-encoding'] !== undefined && req.acceptsEncodings('gzip') === 'gzip') {
        res.setHeader('Content-Encoding', 'gzip');
        return void res.send(answer.gzipped);
      }
    }
    res.send(answer.body);
  };
  const who = (req: Request, res: Response) => {
    const user = currentUser(res)!;
    return { userId: user.id, username: user.username, ip: clientAddress(req) };
  };

  router.get('/jobs', read, (req, res) => {
    const q = parseQuery(jobsQuery, req);
    res.json({ jobs: service.listJobs({ ...q, ...orderedRange({ from: q.from, to: q.to }) }) });
  });
  router.get('/jobs/:id', read, (req, res) => {
    res.json(service.jobWithSupplies(jobRef(req)));
  });
  router.post('/jobs', operator, (req, res) => {
    const body = parseBody(jobBody, req);
    const { job, created } = service.createJob(body, who(req, res));
    res.status(created ? 201 : 200).json(job);
  });
  router.post('/jobs/:id/start', operator, (req, res) => {
    const { pressId: press } = parseBody(startBody, req);
    res.json(service.startJob(jobRef(req), press, who(req, res)));
  });
  router.post('/jobs/:id/finish', operator, (req, res) => {
    res.json(service.finishJob(jobRef(req), who(req, res)));
  });
  router.patch('/jobs/:id', operator, (req, res) => {
    res.json(service.editJob(jobRef(req), parseBody(jobPatch, req), who(req, res)));
  });

  router.get('/downtime', read, (req, res) => {
    const q = parseQuery(downtimeQuery, req);
    res.json({ events: service.listDowntime({ ...range(q, 1), pressId: q.pressId, uncoded: q.uncoded ?? false }), reasons: service.reasons });
  });
  router.get('/downtime/reasons', read, (_req, res) => {
    res.json({ reasons: service.reasons, uncodedAfterMinutes: service.uncodedAfterMinutes });
  });
  router.post('/downtime/:id/cause', operator, (req, res) => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) throw notFound(`downtime event ${String(req.params.id)}`);
    const body = parseBody(causeBody, req);
    res.json(service.codeDowntime(Number(id.data), body.code, body.note ?? null, who(req, res)));
  });

  const oeeReport = (req: Request, res: Response) => {
    const q = parseQuery(oeeQuery, req);
    const r = range(q, 7, true);
    const name = `oee-${q.groupBy}`;
    report(req, res, { name, ...r, toGiven: q.to !== undefined, pressId: q.pressId, groupBy: q.groupBy }, () => {
      const rows = service.oee({ ...r, pressId: q.pressId, groupBy: q.groupBy });
      if (!req.path.endsWith('.csv')) return { body: JSON.stringify({ rows }), contentType: JSON_TYPE };
      return csvBody(
        [
          'pressId',
          'group',
          'label',
          'from',
          'to',
          'plannedMinutes',
          'runMinutes',
          'downtimeMinutes',
          'availability',
          'performance',
          'quality',
          'oee',
          'total',
          'good',
          'waste',
        ],
        rows.map((r) => [
          r.pressId,
          r.group.kind,
          r.group.label,
          iso(r.group.from),
          iso(r.group.to),
          minutes(r.plannedMs),
          minutes(r.runMs),
          minutes(r.downtimeMs),
          ratio(r.availability),
          ratio(r.performance),
          ratio(r.quality),
          ratio(r.oee),
          r.total,
          r.good,
          r.waste,
        ]),
      );
    });
  };
  const downtimeReport = (req: Request, res: Response) => {
    const q = parseQuery(reportQuery, req);
    const r = range(q, 7, true);
    report(req, res, { name: 'downtime-causes', ...r, toGiven: q.to !== undefined, pressId: q.pressId }, () => {
      const causes = service.downtimeByCause({ ...r, pressId: q.pressId });
      if (!req.path.endsWith('.csv')) return { body: JSON.stringify({ causes }), contentType: JSON_TYPE };
      return csvBody(
        ['code', 'label', 'category', 'count', 'minutes'],
        causes.map((c) => [c.code, c.label, c.category, c.count, minutes(c.durationMs)]),
      );
    });
  };
  router.get('/reports/oee', read, oeeReport);
  router.get('/reports/oee.csv', read, oeeReport);
  router.get('/reports/downtime', read, downtimeReport);
  router.get('/reports/downtime.csv', read, downtimeReport);
  return router;
}

/** `:id` is the job's id, or its MIS number when that names one job. */
/** A job named in the path: its id, or its MIS number when that names one job. */
export function jobRef(req: Request): number | string {
  const raw = String(req.params.id);
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  if (!/^[\w./-]{1,40}$/.test(raw)) throw new HttpError(404, 'not_found', `job ${raw} not found`);
  return raw;
}

/** A CSV download named after the report and the day it was made (shared by the report routes). */
export function sendCsv(res: Response, name: string, now: number, header: string[], rows: (string | number | null)[][]): void {
  res.setHeader('Content-Type', CSV_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${name}-${new Date(now).toISOString().slice(0, 10)}.csv"`);
  res.send(csvDocument(header, rows));
}

function csvBody(header: string[], rows: (string | number | null)[][]): ReportBody {
  return { body: csvDocument(header, rows), contentType: CSV_TYPE };
}

export const iso = (ms: number) => new Date(ms).toISOString();
export const minutes = (ms: number) => Math.round(ms / 600) / 100;
const ratio = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 10_000);
