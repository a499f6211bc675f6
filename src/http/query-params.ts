import { z } from 'zod';
import { HttpError } from './http-error.js';

/** A time in a query string: epoch milliseconds or an ISO 8601 date or date-time. */
export const instant = z.union(
  [
    z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number),
    z.iso.datetime({ offset: true, local: true }).transform((s) => Date.parse(s)),
    z.iso.date().transform((s) => Date.parse(s)),
  ],
  { error: 'epoch milliseconds or an ISO 8601 date' },
);

/**
 * The one rule for every time range a route takes (alarms, journal, supplies, consumption,
 * history, transitions, audit): when both ends are known, `from` must not be after `to`.
 * An inverted range is a mistake (swapped parameters, a typo in the year), not an empty
 * answer, so it is a 400 the same everywhere. Routes that default an end (history: `to` is
 * now) check the range they will use. Returns the range for chaining.
 */
export function orderedRange<R extends { from?: number | undefined; to?: number | undefined }>(range: R): R {
  const { from, to } = range;
  if (from !== undefined && to !== undefined && from > to) {
    throw new HttpError(400, 'invalid_request', `invalid query: from (${iso(from)}) is after to (${iso(to)})`, [
      { path: 'from', message: `after to (${iso(to)})` },
    ]);
  }
  return range;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
