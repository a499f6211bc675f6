/** /api/jobs, /api/downtime and /api/reports in the OpenAPI description. */
import { z } from 'zod';
import { csvResponse, idPath, jsonBody, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import type { SameShape } from '../model/same-shape.js';
import { downtimeCategories, downtimeCauseSources, downtimeStates, jobSources, jobStates, oeeGroupings } from '../model/vocabulary.js';
import type { DowntimeEvent } from './downtime-repository.js';
import type { Job } from './job-repository.js';
import type { OeeRow } from './oee-report.js';
import { downtimeReasonSchema } from './production-config.js';
import { causeBody, downtimeQuery, jobBody, jobPatch, jobsQuery, oeeQuery, reportQuery, startBody } from './production-routes.js';
import type { SuppliesUsed } from './production-service.js';

const nullableMs = z.number().nullable();
const job = z
  .object({
    id: z.number().int(),
    jobId: z.string().meta({ description: 'the MIS job number' }),
    name: z.string(),
    customer: z.string().nullable(),
    pressId: z.string().nullable(),
    state: z.enum(jobStates),
    source: z.enum(jobSources),
    plannedGood: z.number().nullable(),
    plannedMakeReadyMinutes: z.number().nullable(),
    createdAt: z.number(),
    startedAt: nullableMs,
    finishedAt: nullableMs,
    makeReadyFrom: nullableMs,
    firstGoodAt: nullableMs,
    makeReadyMs: nullableMs,
    makeReadyWaste: z.number(),
    runMs: z.number(),
    downtimeMs: z.number(),
    total: z.number(),
    good: z.number(),
    waste: z.number(),
    averageSpeed: z.number().nullable(),
    ratedSpeed: z.number().nullable(),
  })
  .meta({ id: 'Job' });
true satisfies SameShape<z.output<typeof job>, Job>;

const logged = z.array(z.object({ uom: z.string(), quantity: z.number() }));
const suppliesUsed = z.object({
  ink: z.array(z.object({ unit: z.number().int(), color: z.string(), levelUsed: z.number(), logged })),
  paper: z.object({ pileUsed: z.number(), pilesLoaded: z.number(), logged }),
});
true satisfies SameShape<z.output<typeof suppliesUsed>, SuppliesUsed>;

const downtimeCause = z.object({ code: z.string(), label: z.string(), category: z.enum(downtimeCategories), source: z.enum(downtimeCauseSources) });
const downtimeEvent = z
  .object({
    id: z.number().int(),
    pressId: z.string(),
    from: z.number(),
    to: nullableMs,
    durationMs: z.number(),
    state: z.enum(downtimeStates),
    jobId: z.string().nullable(),
    jobRef: z.number().int().nullable(),
    cause: downtimeCause.nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'DowntimeEvent' });
true satisfies SameShape<z.output<typeof downtimeEvent>, DowntimeEvent>;

const ratio = z.number().nullable();
const oeeRow = z
  .object({
    pressId: z.string(),
    group: z.object({ kind: z.enum(oeeGroupings), label: z.string(), from: z.number(), to: z.number() }),
    plannedMs: z.number(),
    runMs: z.number(),
    downtimeMs: z.number(),
    offlineMs: z.number(),
    availability: ratio,
    performance: ratio,
    quality: ratio,
    oee: ratio,
    total: z.number(),
    good: z.number(),
    waste: z.number(),
    losses: z.object({ plannedDowntimeMs: z.number(), speedLossMs: z.number(), qualityLossMs: z.number(), fullyProductiveMs: z.number() }),
  })
  .meta({ id: 'OeeRow' });
true satisfies SameShape<z.output<typeof oeeRow>, OeeRow>;

const causeTotal = z.object({ code: z.string(), label: z.string(), category: z.string(), count: z.number(), durationMs: z.number() });
const jobRef = z.object({ id: z.string().meta({ description: "the job's id, or its MIS number when that names one job" }) });
const reasons = z.array(downtimeReasonSchema);

const jobCommand = (summary: string, body?: z.ZodType) =>
  operation('operator', {
    tags: ['production'],
    summary,
    requestParams: { path: jobRef },
    ...(body ? { requestBody: jsonBody(body) } : {}),
    responses: { '200': jsonResponse('the job', job) },
  });

export const productionPaths: FeaturePaths = {
  '/api/jobs': {
    get: operation('reader', {
      tags: ['production'],
      summary: 'Jobs, newest first',
      requestParams: { query: jobsQuery },
      responses: { '200': jsonResponse('the jobs', z.object({ jobs: z.array(job) })) },
    }),
    post: operation('operator', {
      tags: ['production'],
      summary: 'Create (queue) a job; idempotent by jobId',
      requestBody: jsonBody(jobBody),
      responses: { '201': jsonResponse('created', job), '200': jsonResponse('the job of that number, as it was', job) },
    }),
  },
  '/api/jobs/{id}': {
    get: operation('reader', {
      tags: ['production'],
      summary: 'One job, with the ink and paper it used',
      requestParams: { path: jobRef },
      responses: { '200': jsonResponse('the job', job.extend({ supplies: suppliesUsed.nullable() })) },
    }),
    patch: jobCommand('Rename a job or change its plan', jobPatch),
  },
  '/api/jobs/{id}/start': { post: jobCommand('Start a job on a press', startBody) },
  '/api/jobs/{id}/finish': { post: jobCommand('Finish a running job') },
  '/api/downtime': {
    get: operation('reader', {
      tags: ['production'],
      summary: 'Downtime events (default: the last 24 h), with their causes',
      requestParams: { query: downtimeQuery },
      responses: { '200': jsonResponse('the events and the reason catalogue', z.object({ events: z.array(downtimeEvent), reasons })) },
    }),
  },
  '/api/downtime/reasons': {
    get: operation('reader', {
      tags: ['production'],
      summary: 'The reason catalogue (config downtime.reasons)',
      responses: { '200': jsonResponse('the reasons', z.object({ reasons, uncodedAfterMinutes: z.number() })) },
    }),
  },
  '/api/downtime/{id}/cause': {
    post: operation('operator', {
      tags: ['production'],
      summary: 'Code a stop with a reason from the catalogue (audited)',
      requestParams: { path: idPath },
      requestBody: jsonBody(causeBody),
      responses: { '200': jsonResponse('the event', downtimeEvent) },
    }),
  },
  '/api/reports/oee': {
    get: operation('reader', {
      tags: ['reports'],
      summary: 'OEE per press and shift, day, week or job (default: the last 7 days)',
      requestParams: { query: oeeQuery },
      responses: { '200': jsonResponse('the rows', z.object({ rows: z.array(oeeRow) })) },
    }),
  },
  '/api/reports/oee.csv': {
    get: operation('reader', {
      tags: ['reports'],
      summary: 'The OEE report as CSV',
      requestParams: { query: oeeQuery },
      responses: { '200': csvResponse('oee-<groupBy>-<day>.csv') },
    }),
  },
  '/api/reports/downtime': {
    get: operation('reader', {
      tags: ['reports'],
      summary: 'Downtime by cause (default: the last 7 days), longest first',
      requestParams: { query: reportQuery },
      responses: { '200': jsonResponse('the causes', z.object({ causes: z.array(causeTotal) })) },
    }),
  },
  '/api/reports/downtime.csv': {
    get: operation('reader', {
      tags: ['reports'],
      summary: 'Downtime by cause as CSV',
      requestParams: { query: reportQuery },
      responses: { '200': csvResponse('downtime-causes-<day>.csv') },
    }),
  },
};
