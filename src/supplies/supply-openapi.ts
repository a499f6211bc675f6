/** /api/supplies in the OpenAPI description. */
import { z } from 'zod';
import { csvResponse, idPath, jsonBody, jsonResponse, operation, type FeaturePaths } from '../http/openapi-document.js';
import type { SameShape } from '../model/same-shape.js';
import { lowLevelSuggestionSchema, supplyEntrySchema, unloggedRefillSchema } from '../model/supply-schema.js';
import type { ConsumptionReport } from './consumption.js';
import { supplyInputShape } from './supply-input.js';
import { consumptionCsvQuery, consumptionQuery, csvQuery, listQuery, voidBody } from './supply-routes.js';

const logged = z.array(z.object({ uom: z.string(), quantity: z.number() }));
const sheets = z.object({ total: z.number(), good: z.number() });

const consumptionReport = z
  .object({
    pressId: z.string(),
    from: z.number(),
    to: z.number(),
    sheets,
    ink: z.array(
      z.object({
        unit: z.number().int(),
        color: z.string(),
        levelUsed: z.number(),
        refillsSeen: z.number().int(),
        perThousandSheets: z.number().nullable(),
        perThousandGood: z.number().nullable(),
        logged,
      }),
    ),
    paper: z.object({
      shifts: z.array(z.object({ name: z.string(), start: z.number(), end: z.number(), sheets, pileUsed: z.number(), pilesLoaded: z.number(), logged })),
    }),
    method: z.object({ ink: z.string(), paper: z.string() }),
  })
  .meta({ id: 'ConsumptionReport' });
true satisfies SameShape<z.output<typeof consumptionReport>, ConsumptionReport>;

const entryInput = supplyInputShape.meta({ id: 'SupplyInput', description: 'checked per kind; the press must exist and have the printing unit' });
const idempotent = 'Idempotent by `clientId`: 201 with the stored entry, or 200 with the same entry when the clientId was seen before.';

export const supplyPaths: FeaturePaths = {
  '/api/supplies': {
    get: operation('reader', {
      tags: ['supplies'],
      summary: 'The supply log, newest first, a page at a time',
      requestParams: { query: listQuery },
      responses: { '200': jsonResponse('a page of entries', z.object({ entries: z.array(supplyEntrySchema), nextCursor: z.string().nullable() })) },
    }),
    post: operation('operator', {
      tags: ['supplies'],
      summary: 'Log a supply replacement',
      description: idempotent,
      requestBody: jsonBody(entryInput),
      responses: { '201': jsonResponse('stored (fsynced)', supplyEntrySchema), '200': jsonResponse('seen before: the stored entry', supplyEntrySchema) },
    }),
  },
  '/api/supplies.csv': {
    get: operation('reader', {
      tags: ['supplies'],
      summary: 'The supply log as CSV',
      requestParams: { query: csvQuery },
      responses: { '200': csvResponse('supplies-<day>.csv') },
    }),
  },
  '/api/supplies/suggestions': {
    get: operation('reader', {
      tags: ['supplies'],
      summary: 'Unlogged refills to confirm and units running low',
      responses: { '200': jsonResponse('suggestions', z.object({ unlogged: z.array(unloggedRefillSchema), low: z.array(lowLevelSuggestionSchema) })) },
    }),
  },
  '/api/supplies/consumption': {
    get: operation('reader', {
      tags: ['supplies'],
      summary: 'Ink and paper used by a press (default: the last 24 h, at most 93 days)',
      requestParams: { query: consumptionQuery },
      responses: { '200': jsonResponse('the consumption report', consumptionReport) },
    }),
  },
  '/api/supplies/consumption.csv': {
    get: operation('reader', {
      tags: ['supplies'],
      summary: 'Ink per unit and paper per shift used, with what was logged, as CSV (every press without pressId)',
      requestParams: { query: consumptionCsvQuery },
      responses: { '200': csvResponse('consumption-<day>.csv') },
    }),
  },
  '/api/supplies/{id}': {
    get: operation('reader', {
      tags: ['supplies'],
      summary: 'One supply entry',
      requestParams: { path: idPath },
      responses: { '200': jsonResponse('the entry', supplyEntrySchema) },
    }),
  },
  '/api/supplies/{id}/void': {
    post: operation('operator', {
      tags: ['supplies'],
      summary: 'Void an entry, with a reason, and optionally log its correction in the same step',
      requestParams: { path: idPath },
      requestBody: jsonBody(voidBody.extend({ replacement: entryInput.nullable().optional() })),
      responses: {
        '201': jsonResponse('voided', z.object({ voided: supplyEntrySchema, replacement: supplyEntrySchema.nullable() })),
        '200': jsonResponse('voided before: the same answer', z.object({ voided: supplyEntrySchema, replacement: supplyEntrySchema.nullable() })),
      },
    }),
  },
};
