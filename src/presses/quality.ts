/**
 * Quality of a level reading, as the dashboard shows it next to the value:
 * - bad: the last read of its scan class failed (the value may be wrong or old), or the value is
 *   outside 0-100 % after scaling (a wrong scale or word order: no level can be);
 * - stale: no failure, but the value is older than 3 periods of its scan class (the
 *   class is overrunning, or the press is off-scan), or it was never read;
 * - good: otherwise.
 */
import type { Quality } from '../model/press-snapshot.js';

export const STALE_AFTER_PERIODS = 3;

export interface QualityInput {
  /** When the value was read; null if never. */
  at: number | null;
  now: number;
  /** Period of the value's scan class. */
  periodMs: number;
  /** Whether the last read of the value's scan class succeeded (true if none was tried). */
  lastReadOk: boolean;
  /** The value (percent); out of 0-100 is `bad`. */
  level?: number | null;
}

export function levelQuality(input: QualityInput): Quality {
  if (!input.lastReadOk) return 'bad';
  if (input.level !== undefined && input.level !== null && !(input.level >= 0 && input.level <= 100)) return 'bad';
  if (input.at === null || input.now - input.at > STALE_AFTER_PERIODS * input.periodMs) return 'stale';
  return 'good';
}

/** A press does not print backwards: a negative (or non-numeric) speed is a misread, `bad`. */
export function speedQuality(speed: number | null): Quality {
  if (speed === null) return 'stale';
  return Number.isFinite(speed) && speed >= 0 ? 'good' : 'bad';
}
