/**
 * A history worker thread: its own read-only connection to the service's database (WAL lets it
 * read while the service writes), answering trend queries one at a time with TrendReader and
 * sending back the route's JSON text, so the event loop only moves a string.
 *
 * On Linux it lowers its own thread's CPU priority (nice 10): on a small box, reading a month
 * of trends then waits for polling and alarms, never the other way round.
 */
import Database from 'better-sqlite3';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { HistoryQuery } from '../http/ports.js';
import { toStoreError } from '../store/errors.js';
import type { WorkerReply, WorkerRequest, WorkerStart } from './history-worker-protocol.js';
import { TrendReader } from './trend-reader.js';

const start = workerData as WorkerStart;
const port = parentPort!;

function lowerOwnPriority(): boolean {
  try {
    // /proc/thread-self is "<pid>/task/<tid>"; setpriority on a tid changes that thread only.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid)) return false;
    setPriority(tid, start.nice);
    return true;
  } catch {
    return false; // not Linux, or not allowed: reads then share the CPU evenly, which still works
  }
}

function describe(error: unknown): { kind?: string; message: string } {
  const wrapped = toStoreError(error, { operation: 'read trend', path: start.databasePath }) as { kind?: unknown; message?: unknown };
  return { kind: typeof wrapped.kind === 'string' ? wrapped.kind : undefined, message: String(wrapped.message ?? error) };
}

let reader: TrendReader;
try {
  const connection = new Database(start.databasePath, { readonly: true, fileMustExist: true });
  connection.pragma(`busy_timeout = ${start.busyTimeoutMs}`);
  connection.pragma(`cache_size = ${-start.cacheKiB}`);
  reader = new TrendReader(connection);
  port.postMessage({ type: 'ready', niced: start.nice > 0 && lowerOwnPriority() } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'failed', error: describe(error) } satisfies WorkerReply);
  process.exit(1);
}

port.on('message', (request: WorkerRequest) => {
  const started = performance.now();
  try {
    const { result, source, rowsRead } = reader.read(request.query);
    const q: HistoryQuery = request.query;
    const json = JSON.stringify({ pressId: q.pressId, signal: q.signal, from: q.from, to: q.to, ...result });
    port.postMessage({ type: 'answer', id: request.id, json, source, rowsRead, ms: performance.now() - started } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({ type: 'error', id: request.id, error: describe(error) } satisfies WorkerReply);
  }
});
