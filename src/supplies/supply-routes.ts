/**
 * The supply log over HTTP. Reads follow the anonymous-read setting; logging and voiding need
 * the operator role. Every answer about an entry is the stored entry, after its commit.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { SupplyError } from './supply-error.js';
import { supplyInputSchema, type PressLookup } from './supply-input.js';
import { CONSUMPTION_CSV_HEADER, consumptionCsvRows, CSV_HEADER, csvLine, csvRow } from './supplies-csv.js';
import type { Requester, SuppliesService } from './supplies-service.js';
import { supplyKinds, type SupplyFilter } from '../model/supply.js';
import { clientAddress, currentUser, requireReader, requireRole } from '../http/auth-guard.js';
import { HttpError, notFound, validationError } from '../http/http-error.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { freeText } from '../lib/free-text.js';
import { instant, orderedRange } from '../http/query-params.js';

const DAY = 24 * 3600_000;
const CSV_MAX_ROWS = 100_000;

const flag = z.enum(['true', 'false', '1', '0'], { error: 'true or false' }).transform((v) => v === 'true' || v === '1');

const filterQuery = {
  pressId: z.string().min(1).max(64).optional(),
  kind: z.enum(supplyKinds, { error: `one of ${supplyKinds.join(', ')}` }).optional(),
  from: instant.optional(),
  to: instant.optional(),
  includeVoided: flag.optional(),
};

export const listQuery = z.strictObject({
  ...filterQuery,
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'a number from 1 to 1000')
    .transform(Number)
    .pipe(z.number().int().min(1, 'at least 1').max(1000, 'at most 1000'))
    .optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'the nextCursor of the previous page')
    .transform(Number)
    .optional(),
});

export const csvQuery = z.strictObject(filterQuery);

export const consumptionQuery = z.strictObject({ pressId: z.string().min(1).max(64), from: instant.optional(), to: instant.optional() });
/** The CSV may leave the press out: every press, one after the other (a shift report's table). */
export const consumptionCsvQuery = consumptionQuery.extend({ pressId: z.string().min(1).max(64).optional() });

const idParam = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,15}$/, 'an entry id')
    .transform(Number),
});

export const voidBody = z.strictObject({
  reason: freeText(z.string({ error: 'required: why is this entry void?' }).trim().min(3, 'say why, in a few words').max(500), { multiline: true }),
  replacement: z.unknown().optional(),
});

export interface SupplyRoutesOptions {
  supplies: SuppliesService;
  /** The presses; the consumption CSV without a press lists every one. */
  presses: PressLookup & { list(): { id: string }[] };
  anonymousRead: boolean;
  now: () => number;
}

export function supplyRoutes(options: SupplyRoutesOptions): Router {
  const router = Router();
  const { supplies, now } = options;
  const inputSchema = supplyInputSchema(options.presses, { now });
  const read = requireReader(options.anonymousRead);
  const operator = requireRole('operator');

  router.get('/supplies', read, (req, res) => {
    const query = parseQuery(listQuery, req);
    const limit = query.limit ?? 100;
    const entries = supplies.list({ ...filterOf(query), limit, ...(query.cursor !== undefined ? { before: query.cursor } : {}) });
    const last = entries.at(-1);
    res.json({ entries, nextCursor: entries.length === limit && last ? String(last.id) : null });
  });

  router.get('/supplies.csv', read, (req, res) => {
    const filter = filterOf(parseQuery(csvQuery, req));
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="supplies-${new Date(now()).toISOString().slice(0, 10)}.csv"`);
    let body = csvLine(CSV_HEADER);
    let rows = 0;
    for (let before: number | undefined; rows < CSV_MAX_ROWS;) {
      const page = supplies.list({ ...filter, limit: 1000, ...(before !== undefined ? { before } : {}) });
      for (const entry of page) body += csvRow(entry);
      rows += page.length;
      if (page.length < 1000) break;
      before = page.at(-1)!.id;
    }
    res.send(body);
  });

  router.get('/supplies/suggestions', read, (_req, res) => {
    res.json(supplies.suggestions());
  });

  /** The time a consumption answer covers: default the last 24 h, at most 93 days. */
  const consumptionRange = (query: { from?: number | undefined; to?: number | undefined }) => {
    const to = query.to ?? now();
    const from = query.from ?? to - DAY;
    orderedRange({ from, to });
    if (to - from > 93 * DAY) throw new HttpError(400, 'invalid_request', 'invalid query: at most 93 days at a time');
    return { from, to };
  };

  router.get('/supplies/consumption', read, (req, res) => {
    const query = parseQuery(consumptionQuery, req);
    const { from, to } = consumptionRange(query);
    res.json(guard(() => supplies.consumption(query.pressId, from, to)));
  });

  router.get('/supplies/consumption.csv', read, (req, res) => {
    const query = parseQuery(consumptionCsvQuery, req);
    const { from, to } = consumptionRange(query);
    const pressIds = query.pressId !== undefined ? [query.pressId] : options.presses.list().map((p) => p.id);
    // every report first: a refusal (unknown press, no samples) is a 4xx, not half a file
    const reports = guard(() => pressIds.map((pressId) => supplies.consumption(pressId, from, to)));
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="consumption-${new Date(now()).toISOString().slice(0, 10)}.csv"`);
    res.send(csvLine(CONSUMPTION_CSV_HEADER) + reports.map(consumptionCsvRows).join(''));
  });

  router.get('/supplies/:id', read, (req, res) => {
    const { id } = parseParams(req);
    const entry = supplies.get(id);
    if (!entry) throw notFound(`supply entry ${id}`);
    res.json(entry);
  });

  router.post('/supplies', operator, (req, res) => {
    const input = parseBody(inputSchema, req);
    const { entry, created } = guard(() => supplies.log(input, requester(req, res)));
    res.status(created ? 201 : 200).json(entry);
  });

  router.post('/supplies/:id/void', operator, (req, res) => {
    const { id } = parseParams(req);
    const body = parseBody(voidBody, req);
    let replacement = null;
    if (body.replacement !== undefined && body.replacement !== null) {
      const parsed = inputSchema.safeParse(body.replacement);
      if (!parsed.success) {
        throw validationError(new z.ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: ['replacement', ...issue.path] }))), 'body');
      }
      replacement = parsed.data;
    }
    const result = guard(() => supplies.void(id, { reason: body.reason, replacement }, requester(req, res)));
    res.status(result.created ? 201 : 200).json({ voided: result.voided, replacement: result.replacement });
  });

  return router;
}

function filterOf(query: {
  pressId?: string | undefined;
  kind?: SupplyFilter['kind'] | undefined;
  from?: number | undefined;
  to?: number | undefined;
  includeVoided?: boolean | undefined;
}): Omit<SupplyFilter, 'limit'> {
  orderedRange(query);
  const filter: Omit<SupplyFilter, 'limit'> = { includeVoided: query.includeVoided ?? false };
  if (query.pressId !== undefined) filter.pressId = query.pressId;
  if (query.kind !== undefined) filter.kind = query.kind;
  if (query.from !== undefined) filter.from = query.from;
  if (query.to !== undefined) filter.to = query.to;
  return filter;
}

function parseParams(req: Request): { id: number } {
  const result = idParam.safeParse(req.params);
  if (!result.success) throw validationError(result.error, 'params');
  return result.data;
}

function requester(req: Request, res: Response): Requester {
  const user = currentUser(res);
  // requireRole ran first; a missing user here is a wiring bug, not a client error.
  if (!user) throw new Error('supply route reached without a signed-in user');
  return { user: { id: user.id, username: user.username }, ip: clientAddress(req) };
}

/** The service's refusals as HTTP answers. */
function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof SupplyError)) throw error;
    const status = error.kind === 'not-found' ? 404 : error.kind === 'conflict' ? 409 : 400;
    const code = error.kind === 'not-found' ? 'not_found' : error.kind === 'conflict' ? 'conflict' : 'invalid_request';
    const details = error.field ? [{ path: error.field, message: error.message }] : undefined;
    throw new HttpError(status, code, error.message, details);
  }
}
