import { z } from 'zod';

/** A time in a query string: epoch milliseconds or an ISO 8601 date or date-time. */
export const instant = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z.iso.datetime({ offset: true, local: true }).transform((s) => Date.parse(s)),
  z.iso.date().transform((s) => Date.parse(s)),
], { error: 'epoch milliseconds or an ISO 8601 date' });
