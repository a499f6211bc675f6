/**
 * When to try a failed delivery again. Exponential backoff from `baseDelayMs`, doubling per
 * failed attempt up to `maxDelayMs`, with "equal jitter" (a random point in the upper half of
 * the step) so webhooks that failed together — the office network went down — do not all
 * come back in the same instant. A receiver's `Retry-After` wins over the backoff.
 */
export interface RetryPolicy {
  /** Delay after the first failure (default 1 s). */
  baseDelayMs: number;
  /** Longest backoff step (default 5 min). */
  maxDelayMs: number;
  /** Longest Retry-After honoured; longer asks are cut to this (default 1 h). */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 300_000, maxRetryAfterMs: 3_600_000 };

/**
 * Delay before the next attempt after `failedAttempts` failures in a row (1 for the first).
 * `random` returns [0, 1); the result lies in [step / 2, step].
 */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number, random: () => number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30); // 2^30 s is beyond any cap: no overflow
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`;
 * undefined when absent or unreadable, so the backoff applies.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
