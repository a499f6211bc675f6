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
  id: number;
  query: HistoryQuery;
}

export type WorkerReply =
  | { type: 'ready'; niced: boolean }
  | { type: 'failed'; error: { kind?: string; message: string } }
  | { type: 'answer'; id: number; json: string; source: TrendSource; rowsRead: number; ms: number }
  | { type: 'error'; id: number; error: { kind?: string; message: string } };
