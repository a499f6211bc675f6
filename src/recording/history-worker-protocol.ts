/** Messages between the history worker pool and its threads (structured-clone safe). */
import type { HistoryQuery } from '../http/ports.js';
import type { TrendSource } from './trend-reader.js';

export interface WorkerStart {
  databasePath: string;
  busyTimeoutMs: number;
  cacheKiB: number;
  /** Thread niceness, 0 to leave it; Linux only. */
  nice: number;
  /** Set for the tsx bootstrap: the TypeScript entry to load. */
  entry?: string;
}

export interface WorkerRequest {
  type: 'read';
  id: number;
  query: HistoryQuery;
  /** Answer gzipped (when worth it). */
  gzip: boolean;
}

/** Everything the pool sends a worker: reads, and news that cached buckets went stale. */
export type WorkerNotice =
  | WorkerRequest
  /** Samples were written: per series id, the oldest sample time written. */
  | { type: 'changed'; changes: [number, number][] }
  /** Rollups were purged. */
  | { type: 'clear' }
  /** Close the connection and exit (idle, or the service stops). */
  | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; niced: boolean }
  | { type: 'failed'; error: { kind?: string; message: string } }
  | { type: 'answer'; id: number; body: Uint8Array; encoding: 'gzip' | 'identity'; etag: string; source: TrendSource; rowsRead: number; ms: number }
  | { type: 'error'; id: number; error: { kind?: string; message: string } };
