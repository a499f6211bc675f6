/**
 * What the HTTP and realtime layers need from the rest of the service. They depend on
 * these small read/write ports, never on drivers, the poller or SQLite directly.
 */
import type { PressSnapshot } from '../domain/press-snapshot.js';

export interface PressReadModel {
  list(): PressSnapshot[];
  get(pressId: string): PressSnapshot | undefined;
}

export interface HistoryPoint {
  at: number;
  value: number;
  /** Present when the point stands for a bucket of samples. */
  min?: number;
  max?: number;
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
}

export interface HistoryReadModel {
  history(query: HistoryQuery): HistoryResult;
  transitions(pressId: string, from: number, to: number): { at: number; state: string; reason: string | null; detail: string | null }[];
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  startedAt: number;
  uptimeS: number;
  presses: { total: number; online: number };
  buses: { id: string; kind: string; connected: boolean }[];
  store: { ok: boolean; error?: string };
}
