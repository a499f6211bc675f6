import { Router } from 'express';
import { z } from 'zod';
import { auditCsv } from './audit-csv.js';
import type { AuditQuery, AuditReader } from './audit-reader.js';
import { requireRole } from '../http/auth-guard.js';
import { parseQuery } from '../http/validate.js';
import { instant, orderedRange } from '../http/query-params.js';

const JSON_LIMIT = { default: 200, max: 5_000 };
const CSV_LIMIT = { default: 10_000, max: 100_000 };

function auditQuery(limits: { default: number; max: number }) {
  return z.strictObject({
    from: instant.optional(),
    to: instant.optional(),
    user: z.string().min(1).max(64).optional(),
    action: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}\*?$/, 'an action such as auth.login, or a prefix such as user.*')
      .optional(),
    limit: z
      .string()
      .regex(/^\d{1,6}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(limits.max))
      .optional(),
  });
}

export const jsonQuery = auditQuery(JSON_LIMIT);
export const csvQuery = auditQuery(CSV_LIMIT);

/** Admin only: GET /audit (JSON, newest first) and GET /audit.csv (the same filters, as a download). */
export function auditRoutes(options: { audit: AuditReader; now: () => number }): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/audit', admin, (req, res) => {
    const query = toAuditQuery(parseQuery(jsonQuery, req), JSON_LIMIT.default);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ entries: options.audit.list(query) });
  });

  router.get('/audit.csv', admin, (req, res) => {
    const query = toAuditQuery(parseQuery(csvQuery, req), CSV_LIMIT.default);
    const day = new Date(options.now()).toISOString().slice(0, 10);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', `attachment; filename="pressroom-audit-${day}.csv"`);
    res.type('text/csv; charset=utf-8').send(auditCsv(options.audit.list(query)));
  });

  return router;
}

function toAuditQuery(query: z.infer<typeof jsonQuery>, defaultLimit: number): AuditQuery {
  orderedRange(query);
  return {
    limit: query.limit ?? defaultLimit,
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    ...(query.user !== undefined ? { username: query.user } : {}),
    ...(query.action !== undefined ? { action: query.action } : {}),
  };
}
