/** The reports page's own routes (report-routes.ts) in the OpenAPI description. */
import { z } from 'zod';
import { csvResponse, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import type { ReliabilityRow, ShiftInstance, TimelineStretch } from '../model/production.js';
import type { SameShape } from '../model/same-shape.js';
import { downtimeCategories, downtimeCauseSources } from '../model/vocabulary.js';
import { downtimeCsvQuery, jobsCsvQuery, reliabilityQuery, shiftsQuery, timelineQuery } from './report-routes.js';

const span = { from: z.number(), to: z.number() };
const shiftInstance = z
  .object({ label: z.string(), name: z.string(), day: z.string(), ...span, breaks: z.array(z.object(span)) })
  .meta({ id: 'ShiftInstance' });
true satisfies SameShape<z.output<typeof shiftInstance>, ShiftInstance>;

const reliabilityRow = z
  .object({
    pressId: z.string(),
    cause: z.string(),
    label: z.string(),
    failures: z.number().int(),
    runMs: z.number(),
    downtimeMs: z.number(),
    mtbfMs: z.number().nullable().meta({ description: 'run time / failures; null without failures' }),
    mttrMs: z.number().nullable().meta({ description: 'repair time / failures; null without failures' }),
  })
  .meta({ id: 'ReliabilityRow' });
true satisfies SameShape<z.output<typeof reliabilityRow>, ReliabilityRow>;

const stretch = z
  .object({
    ...span,
    state: z.string(),
    reason: z.string().nullable(),
    cause: z.object({ code: z.string(), label: z.string(), category: z.enum(downtimeCategories), source: z.enum(downtimeCauseSources) }).nullable(),
  })
  .meta({ id: 'TimelineStretch' });
true satisfies SameShape<z.output<typeof stretch>, TimelineStretch>;

const read = (summary: string, query: z.ZodObject | undefined, answer: ReturnType<typeof jsonResponse> | ReturnType<typeof csvResponse>, path?: z.ZodObject) =>
  operation('reader', {
    tags: ['reports'],
    summary,
    requestParams: { ...(query ? { query } : {}), ...(path ? { path } : {}) },
    responses: { '200': answer },
  });

export const reportPaths: FeaturePaths = {
  '/api/shifts': {
    get: read(
      "The shift calendar's shifts in a range (default: the last 7 days, at most 93), with planned breaks",
      shiftsQuery,
      jsonResponse('the shifts', z.object({ shifts: z.array(shiftInstance), timeZone: z.string() })),
    ),
  },
  '/api/reports/reliability': {
    get: read(
      'MTBF and MTTR per press and cause (default: the last 30 days; cause=jam counts the jam.* alarms too)',
      reliabilityQuery,
      jsonResponse('the rows', z.object({ ...span, rows: z.array(reliabilityRow) })),
    ),
  },
  '/api/reports/reliability.csv': { get: read('MTBF and MTTR as CSV', reliabilityQuery, csvResponse('reliability-<day>.csv')) },
  '/api/reports/timeline': {
    get: read(
      "A press's run states over a range (default: the last 24 h, at most 31 days), each stop with its cause",
      timelineQuery,
      jsonResponse('the stretches', z.object({ pressId: z.string(), ...span, stretches: z.array(stretch) })),
    ),
  },
  '/api/reports/timeline.csv': { get: read('The timeline as CSV', timelineQuery, csvResponse('timeline-<pressId>-<day>.csv')) },
  '/api/jobs.csv': { get: read('Jobs as CSV (started=true leaves the queue out)', jobsCsvQuery, csvResponse('jobs-<day>.csv')) },
  '/api/downtime.csv': { get: read('Downtime events as CSV', downtimeCsvQuery, csvResponse('downtime-<day>.csv')) },
  '/api/jobs/{id}/supplies.csv': {
    get: read(
      'The ink and paper a job used (measured level drops, with what was logged) as CSV',
      undefined,
      csvResponse('job-<jobId>-supplies-<day>.csv'),
      z.object({ id: z.string().meta({ description: "the job's id, or its MIS number when that names one job" }) }),
    ),
  },
};
