/**
 * Why the supplies service refused a request:
 * - invalid: the request names something that does not fit (a suggestion for another unit);
 * - not-found: no such entry;
 * - conflict: a clientId reused for a different entry, a void of an entry already voided, a
 *   suggestion already completed by someone else.
 * `field` is the request field at fault, for the answer's details.
 */
export type SupplyErrorKind = 'invalid' | 'not-found' | 'conflict';

export class SupplyError extends Error {
  override name = 'SupplyError';
  constructor(
    readonly kind: SupplyErrorKind,
    message: string,
    readonly field: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
