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

/** The history route's answer: the query echoed, then its result. */
export type HistoryBody = { pressId: string; signal: string; from: number; to: number } & HistoryResult;

/** Who asks for a trend, for per-client limits, and when they stopped waiting. */
export interface HistoryCaller {
  /** The client's address (one wall screen, one office PC). */
  client: string;
  /** Aborted when the request goes away: a read not yet started is dropped. */
  abort: AbortSignal;
  /** The client takes gzip (Accept-Encoding): a month of points is ~10× smaller on the wire. */
  gzip: boolean;
}

/**
 * A trend read refused before it ran, to keep the service responsive: `client-limit` (this
 * client has too many reads running and waiting: 429), `overloaded` (too many reads waiting in
 * all: 503) or `unavailable` (the readers cannot read the database now: 503). Retry after
 * `retryAfterS` seconds.
 */
export class HistoryRefused extends Error {
  override name = 'HistoryRefused';
  constructor(
    readonly reason: 'client-limit' | 'overloaded' | 'unavailable',
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

/** A HistoryBody as UTF-8 JSON, gzipped when the caller takes it and it is worth it, with its (weak) ETag. */
export interface HistoryAnswer {
  json: Uint8Array;
  encoding: 'gzip' | 'identity';
  etag: string;
}

export interface HistoryReadModel {
  /**
   * The trend of one signal, a HistoryBody as JSON. Read and serialized off the event loop, so
   * a month-long trend costs the live path (polling, alarms, the socket) only the send.
   * Rejects with HistoryRefused when it cannot be read now.
   */
  history(query: HistoryQuery, caller: HistoryCaller): Promise<HistoryAnswer>;
}

export interface TransitionView {
  at: number;
  state: string;
  reason: string | null;
  detail: string | null;
}

export type { HealthReport } from '../model/health.js';
