/**
 * Minutes until an ink fountain or the paper pile runs empty. Pure functions.
 *
 * Why per sheet and not per minute: ink and paper are used by printing, not by time. The rate
 * is the slope of level against the impression counter (least squares over the window, so the
 * 0.1 % steps of a level sensor average out), and the current speed turns it into minutes.
 * A stop therefore does not dilute the rate, and a speed change shows at once.
 */
export interface ConsumptionPoint {
  /** ms since epoch. */
  at: number;
  /** Percent full. */
  level: number;
  /** Total impressions (the monotonic counter). */
  sheets: number;
}

export type { TimeToEmpty } from '../model/press-snapshot.js';

export interface EstimateOptions {
  /** Production readings of one channel since its last refill, oldest first. */
  points: readonly ConsumptionPoint[];
  /** Current level, percent. */
  level: number;
  /** Current speed, sheets per hour; null or 0 when not printing. */
  speed: number | null;
  /** Fewer points than this: no estimate yet. */
  minPoints?: number;
  /** The points must span at least this many sheets: a rate from 20 sheets is noise. */
  minSheets?: number;
}

/** Percentage points used per sheet (positive while consuming), or null when unknown. */
export function levelPerSheet(points: readonly ConsumptionPoint[], minPoints = 3, minSheets = 100): number | null {
  if (points.length < minPoints) return null;
  const first = points[0]!;
  const last = points.at(-1)!;
  if (last.sheets - first.sheets < minSheets) return null;
  let sumX = 0;
  let sumY = 0;
  for (const p of points) {
    sumX += p.sheets - first.sheets;
    sumY += p.level;
  }
  const meanX = sumX / points.length;
  const meanY = sumY / points.length;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    const dx = p.sheets - first.sheets - meanX;
    covariance += dx * (p.level - meanY);
    variance += dx * dx;
  }
  if (variance === 0) return null;
  const perSheet = -covariance / variance;
  return perSheet > 0 ? perSheet : null;
}

/** Minutes to empty at the current speed, rounded to 0.1, or null when not consuming. */
export function minutesToEmpty(options: EstimateOptions): number | null {
  const { speed, level } = options;
  if (speed === null || !(speed > 0)) return null;
  const perSheet = levelPerSheet(options.points, options.minPoints, options.minSheets);
  if (perSheet === null) return null;
  const minutes = (Math.max(0, level) / (perSheet * speed)) * 60;
  return Math.round(minutes * 10) / 10;
}
