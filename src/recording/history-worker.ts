/**
 * A history worker thread: its own read-only connection to the service's database (WAL lets it
 * read while the service writes), answering trend queries one at a time with TrendReader and
 * sending back the route's JSON text, so the event loop only moves a string.
 *
 * On Linux it lowers its own thread's CPU priority (nice 19): on a small box, reading a month
 * of trends then waits for polling and alarms, never the other way round; on an idle box it
 * still gets the whole core.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { toStoreError } from '../store/errors.js';
import type { WorkerNotice, WorkerReply, WorkerStart } from './history-worker-protocol.js';
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
let connection: Database.Database;
try {
  connection = new Database(start.databasePath, { readonly: true, fileMustExist: true });
  connection.pragma(`busy_timeout = ${start.busyTimeoutMs}`);
  connection.pragma(`cache_size = ${-start.cacheKiB}`);
  reader = new TrendReader(connection);
  port.postMessage({ type: 'ready', niced: start.nice > 0 && lowerOwnPriority() } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'failed', error: describe(error) } satisfies WorkerReply);
  process.exit(1);
}

/** Level 3: a month of points (840 KB) in ~3.5 ms to ~84 KB; level 6 halves the rest for twice the time. */
const GZIP_LEVEL = 3;

/**
 * A weak ETag like express's default, so conditional GETs keep working without hashing on the
 * event loop. Over the bytes sent (a tenth of the JSON when gzipped): each encoding has its own.
 */
function weakEtag(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').substring(0, 27)}"`;
}

port.on('message', (message: WorkerNotice) => {
  if (message.type === 'changed') {
    for (const [seriesId, since] of message.changes) reader.cache.changed(seriesId, since);
    return;
  }
  if (message.type === 'clear') return reader.cache.clear();
  if (message.type === 'close') {
    connection.close();
    return process.exit(0);
  }
  const started = performance.now();
  try {
    const { body, source, rowsRead } = reader.read(message.query);
    const bytes = Buffer.from(body);
    // Below a kilobyte gzip saves nothing worth its header (the compression middleware's rule too).
    const gzip = message.gzip && bytes.length >= 1024;
    const sent = gzip ? gzipSync(bytes, { level: GZIP_LEVEL }) : bytes;
    // A fresh ArrayBuffer (not a slice of Node's pool) can be handed over without a copy.
    const transfer = new Uint8Array(new ArrayBuffer(sent.length));
    transfer.set(sent);
    port.postMessage(
      {
        type: 'answer',
        id: message.id,
        body: transfer,
        encoding: gzip ? 'gzip' : 'identity',
        etag: weakEtag(sent),
        source,
        rowsRead,
        ms: performance.now() - started,
      } satisfies WorkerReply,
      [transfer.buffer],
    );
  } catch (error) {
    port.postMessage({ type: 'error', id: message.id, error: describe(error) } satisfies WorkerReply);
  }
});
