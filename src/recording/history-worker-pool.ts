/**
 * A small pool of history worker threads with one queue: reads go to the first idle worker in
 * the order they came; at most `maxQueued` wait (more are refused as 'overloaded', a 503 with
 * Retry-After); a read whose client went away before it started is dropped.
 *
 * A worker that dies, or takes longer than `readTimeoutMs` (it is then terminated), fails only
 * the read it had; a new one starts in its place, after `restartDelayMs` if it died at start
 * (a database that cannot be opened), so a broken file costs a retry a second, not a hot loop.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { HistoryRefused, type HistoryAnswer, type HistoryQuery } from '../http/ports.js';
import type { WorkerNotice, WorkerReply, WorkerRequest, WorkerStart } from './history-worker-protocol.js';
import type { TrendSource } from './trend-reader.js';

export interface HistoryWorkerPoolOptions {
  databasePath: string;
  logger: Logger;
  /** Worker threads. Default: one per core beyond the first, at most 2. */
  size?: number;
  maxQueued?: number;
  readTimeoutMs?: number;
  restartDelayMs?: number;
  /** Thread niceness on Linux (0 leaves it). Default 19: trend reads take only CPU the live path leaves. */
  nice?: number;
  /**
   * Workers start with the first read and leave after this long without one (default 5 min): a
   * worker holds ~10 MB and a database connection, which a box nobody reads trends on need not pay.
   */
  idleMs?: number;
}

export interface HistoryPoolStats {
  workers: number;
  ready: number;
  busy: number;
  queued: number;
  answered: number;
  failed: number;
  refused: number;
  bySource: Partial<Record<TrendSource, number>>;
}

export interface HistoryWorkerPool {
  /** The route's body as JSON; rejects with HistoryRefused or the worker's error. */
  read(query: HistoryQuery, options: { abort: AbortSignal; gzip: boolean }): Promise<HistoryAnswer>;
  /** Samples were stored (per series id, the oldest time written): cached buckets from then on go. */
  samplesStored(oldestBySeries: ReadonlyMap<number, number>): void;
  /** Rollups were purged: cached buckets go. */
  rollupsPurged(): void;
  stats(): HistoryPoolStats;
  close(): Promise<void>;
}

interface Job {
  id: number;
  query: HistoryQuery;
  gzip: boolean;
  abort: AbortSignal;
  resolve: (answer: HistoryAnswer) => void;
  reject: (error: Error) => void;
  onAbort: () => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Asked to close (idle or stopping): its exit starts no other. */
  leaving: boolean;
}

const here = import.meta.url;
/** Under tsx the sources are .ts and need the bootstrap; a compiled build runs the .js directly. */
function workerEntry(): { file: URL; entry?: string } {
  if (here.endsWith('.ts')) return { file: new URL('./history-worker-boot.mjs', here), entry: new URL('./history-worker.ts', here).href };
  return { file: new URL('./history-worker.js', here) };
}

export function createHistoryWorkerPool(options: HistoryWorkerPoolOptions): HistoryWorkerPool {
  const { logger } = options;
  const size = options.size ?? Math.max(1, Math.min(2, availableParallelism() - 1));
  const maxQueued = options.maxQueued ?? 64;
  const readTimeoutMs = options.readTimeoutMs ?? 30_000;
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  const idleMs = options.idleMs ?? 300_000;
  const { file, entry } = workerEntry();
  const start: WorkerStart = { databasePath: options.databasePath, busyTimeoutMs: 1_000, cacheKiB: 16_384, nice: options.nice ?? 19, entry };
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  const bySource: Partial<Record<TrendSource, number>> = {};
  let nextId = 1;
  let answered = 0;
  let failed = 0;
  let refused = 0;
  let closed = false;
  let lastStartFailure: string | undefined;

  const finish = (slot: Slot) => {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    slot.timer = undefined;
    if (job) job.abort.removeEventListener('abort', job.onAbort);
    return job;
  };

  const dispatch = () => {
    for (const slot of slots) {
      if (!slot.ready || slot.job) continue;
      const job = queue.shift();
      if (!job) return;
      slot.job = job;
      slot.timer = setTimeout(() => {
        logger.error({ readTimeoutMs, query: job.query }, 'history worker took too long over one read; restarting it');
        void slot.worker.terminate();
      }, readTimeoutMs);
      slot.worker.postMessage({ type: 'read', id: job.id, query: job.query, gzip: job.gzip } satisfies WorkerRequest);
    }
  };

  const spawn = () => {
    if (closed) return;
    const worker = new Worker(fileURLToPath(file), { workerData: start, stdout: false, stderr: false });
    const slot: Slot = { worker, ready: false, job: undefined, timer: undefined, leaving: false };
    slots.add(slot);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        slot.ready = true;
        if (lastStartFailure !== undefined) logger.info('history worker started again; trend reads are served');
        lastStartFailure = undefined;
        logger.debug({ threadId: worker.threadId, niced: reply.niced }, 'history worker ready');
        return dispatch();
      }
      if (reply.type === 'failed') {
        if (lastStartFailure !== reply.error.message)
          logger.error({ error: reply.error }, 'history worker cannot open the database; trend reads answer 503 until it can');
        lastStartFailure = reply.error.message;
        return;
      }
      const job = finish(slot);
      if (!job || job.id !== reply.id) return;
      if (reply.type === 'answer') {
        answered += 1;
        bySource[reply.source] = (bySource[reply.source] ?? 0) + 1;
        job.resolve({ json: reply.body, encoding: reply.encoding, etag: reply.etag });
      } else {
        failed += 1;
        const unavailable = reply.error.kind !== undefined && reply.error.kind !== 'sql' && reply.error.kind !== 'constraint';
        job.reject(
          unavailable
            ? new HistoryRefused('unavailable', `the trend cannot be read now: ${reply.error.message}`, 5)
            : new Error(`history worker: ${reply.error.message}`),
        );
      }
      dispatch();
    });
    worker.on('error', (error) => logger.error({ err: error }, 'history worker failed'));
    worker.on('exit', (code) => {
      const wasReady = slot.ready;
      slots.delete(slot);
      const job = finish(slot);
      if (job) {
        failed += 1;
        job.reject(new HistoryRefused('unavailable', 'the trend reader stopped while reading; try again', 1));
      }
      if (closed || slot.leaving) return;
      if (!wasReady && queue.length > 0 && readySlots() === 0) rejectQueued();
      logger.warn({ code, wasReady }, 'history worker exited; starting another');
      const timer = setTimeout(spawn, wasReady ? 0 : restartDelayMs);
      timer.unref();
    });
  };

  const readySlots = () => [...slots].filter((s) => s.ready).length;
  const rejectQueued = () => {
    for (const job of queue.splice(0)) {
      job.abort.removeEventListener('abort', job.onAbort);
      failed += 1;
      job.reject(new HistoryRefused('unavailable', `the trend reader cannot open the database: ${lastStartFailure ?? 'starting'}`, 5));
    }
  };

  /** The worker closes its connection and exits; one that does not within a second is terminated. */
  const retire = async (slot: Slot) => {
    slot.leaving = true;
    const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
    slot.worker.postMessage({ type: 'close' } satisfies WorkerNotice);
    const timer = setTimeout(() => void slot.worker.terminate(), 1000);
    await exited;
    clearTimeout(timer);
  };
  let idleTimer: NodeJS.Timeout | undefined;
  const watchIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (queue.length > 0 || [...slots].some((slot) => slot.job)) return watchIdle();
      logger.debug({ idleMs }, 'no trend read for a while: history workers leave until the next one');
      for (const slot of slots) void retire(slot);
    }, idleMs);
    idleTimer.unref();
  };
  /** Workers come with the first read after a start or an idle spell. */
  const ensureWorkers = () => {
    const staying = [...slots].filter((slot) => !slot.leaving).length;
    for (let i = staying; i < size; i++) spawn();
    watchIdle();
  };

  return {
    read(query, { abort, gzip }) {
      if (closed) return Promise.reject(new HistoryRefused('unavailable', 'the service is stopping', 5));
      if (lastStartFailure !== undefined && readySlots() === 0) {
        refused += 1;
        return Promise.reject(new HistoryRefused('unavailable', `the trend reader cannot open the database: ${lastStartFailure}`, 5));
      }
      if (queue.length >= maxQueued) {
        refused += 1;
        return Promise.reject(new HistoryRefused('overloaded', `${queue.length} trend reads are waiting already; try again shortly`, 2));
      }
      return new Promise<HistoryAnswer>((resolve, reject) => {
        const job: Job = {
          id: nextId++,
          query,
          gzip,
          abort,
          resolve,
          reject,
          onAbort: () => {
            const index = queue.indexOf(job);
            if (index < 0) return; // running already: let it finish, the answer is dropped
            queue.splice(index, 1);
            reject(abort.reason instanceof Error ? abort.reason : new Error('the client went away'));
          },
        };
        if (abort.aborted) return reject(abort.reason instanceof Error ? abort.reason : new Error('the client went away'));
        abort.addEventListener('abort', job.onAbort, { once: true });
        queue.push(job);
        ensureWorkers();
        dispatch();
      });
    },
    samplesStored(oldestBySeries) {
      if (oldestBySeries.size === 0) return;
      const notice: WorkerNotice = { type: 'changed', changes: [...oldestBySeries] };
      for (const slot of slots) slot.worker.postMessage(notice);
    },
    rollupsPurged() {
      for (const slot of slots) slot.worker.postMessage({ type: 'clear' } satisfies WorkerNotice);
    },
    stats: () => ({
      workers: slots.size,
      ready: readySlots(),
      busy: [...slots].filter((s) => s.job).length,
      queued: queue.length,
      answered,
      failed,
      refused,
      bySource: { ...bySource },
    }),
    async close() {
      closed = true;
      clearTimeout(idleTimer);
      for (const job of queue.splice(0)) {
        job.abort.removeEventListener('abort', job.onAbort);
        job.reject(new HistoryRefused('unavailable', 'the service is stopping', 5));
      }
      // closed, not terminated: a connection left open keeps the -shm and -wal files, and the
      // next start would not see a full disk for what it is (test/service/disk-full-start.test.ts)
      await Promise.all([...slots].map(retire));
    },
  };
}
