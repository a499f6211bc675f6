/**
 * What the HTTP and realtime layers need from the rest of the service. They depend on
 * these small read/write ports, never on drivers, the poller or SQLite directly.
 */
import type { PressSnapshot } from '../model/press-snapshot.js';

export interface PressReadModel {
  list(): PressSnapshot[];
  get(pressId: string): PressSnapshot | undefined;
}

export interface HistoryPoint {
  at: number;
  /** Null where the press could not be read (a gap, not a zero). */
  value: number | null;
  quality: 'good' | 'stale' | 'bad';
  /** Present when the point stands for a bucket of samples (`at` is the bucket start). */
  min?: number | null;
  max?: number | null;
  count?: number;
}

export interface HistoryQuery {
  pressId: string;
  signal: string;
  from: number;
  to: number;
  maxPoints: number;
}

export interface HistoryResult {
  points: HistoryPoint[];
  downsampled: boolean;
  /** Width of a bucket when downsampled. */
  bucketMs?: number;
  /** The value in force when the range starts (the last sample before `from`). */
  previous: HistoryPoint | null;
}

export interface HistoryReadModel {
  history(query: HistoryQuery): HistoryResult;
}

export interface TransitionView {
  at: number;
  state: string;
  reason: string | null;
  detail: string | null;
}

export type { HealthReport } from '../model/health.js';
