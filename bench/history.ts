/**
 * history: long-range trend reads must not freeze the live path (issue 10, item 2).
 *
 * Seeds 30 days × 3 presses at the demo's recording rate (~13 M samples) through the
 * recorder's own storage path (SampleRollups.record: samples and their minute and hour
 * rollups in one transaction), starts the real service on that data, then for 60 s runs
 * 8 trend readers (8 clients, 8 loopback addresses, each asking for a 30-day trend with
 * maxPoints=10000 again as soon as it has its answer) while jams are raised through the
 * simulator and /api/health is polled.
 *
 * Figures: the service's event-loop delay over the load window (a histogram in the service,
 * bench/lib/event-loop-hook.mjs), jam → alarm:raised at a socket client, the 30-day trend's
 * latency, /api/health latency. Baseline, same run: the old raw scan (bucketing 30 days of
 * samples in SQL, as the route did on the event loop before rollups and workers), timed on the
 * same seeded file: each such read blocked the whole service that long.
 *
 * BENCH_HISTORY_DAYS and BENCH_HISTORY_SECONDS shorten it for a quick check.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SampleRollups } from '../src/recording/sample-rollups.js';
import { recordingMigrations } from '../src/recording/recording-migrations.js';
import { SamplesRepository } from '../src/recording/samples-repository.js';
import { migrate, openDatabase } from '../src/store/index.js';
import { HistoryReader } from '../src/recording/samples-history.js';
import { demoBatches, demoSeries } from '../test/helpers/demo-history.js';
import { alarmBenchConfig } from './alarm-latency.js';
import { startChild } from './lib/child.js';
import { DashboardClients } from './lib/dashboards.js';
import { quietThenLoad } from './lib/live-path.js';
import { check, type Benchmark } from './lib/report.js';
import { startBenchService, type ServiceClient } from './lib/service.js';
import { round, summarize } from './lib/stats.js';
import { sleep } from './lib/timing.js';
import type { TrendReadersArgs, TrendReadersResult } from './lib/trend-readers.js';

const DAY_MS = 86_400_000;
const READERS = 8;
const MAX_POINTS = 10_000;
const TARGET_EVENT_LOOP_P99_MS = 20;
const TARGET_JAM_P99_MS = 400;
const TARGET_TREND_P50_MS = 100;
const PRESS = 'press-1';
/** The same-run baseline of the live path: jams and health polls with no trend reader. */
const QUIET_SECONDS = 20;

function seed(dataDir: string, days: number, log: (line: string) => void) {
  const database = openDatabase({ dataDir });
  migrate(database, recordingMigrations);
  const rollups = new SampleRollups({ database, samples: new SamplesRepository(database) });
  const to = Date.now();
  const started = performance.now();
  let rows = 0;
  let lastLog = started;
  try {
    for (const batch of demoBatches({ series: demoSeries(), from: to - days * DAY_MS, to, batchMs: 3_600_000 })) {
      rows += rollups.record(batch);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`seeding: ${(rows / 1e6).toFixed(1)} M samples`);
      }
    }
  } finally {
    database.close();
  }
  return { rows, seconds: (performance.now() - started) / 1000, to };
}

/** The route's read before this change: raw samples bucketed in SQL, on the event loop. */
function oldRawScan(file: string, days: number, runs: number) {
  const db = new Database(file, { readonly: true });
  try {
    const seriesId = db.prepare<[string, string], number>('SELECT id FROM sample_series WHERE press_id = ? AND signal = ?').pluck().get(PRESS, 'paper')!;
    const reader = new HistoryReader(db);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const to = Date.now();
      const t0 = performance.now();
      reader.read(seriesId, { pressId: PRESS, signal: 'paper', from: to - days * DAY_MS, to, maxPoints: MAX_POINTS });
      times.push(performance.now() - t0);
    }
    return summarize(times);
  } finally {
    db.close();
  }
}

export const history: Benchmark = {
  name: 'history',
  title: `${READERS} readers of 30-day trends vs the live path (event loop p99 < ${TARGET_EVENT_LOOP_P99_MS} ms, jam → socket p99 < ${TARGET_JAM_P99_MS} ms, trend p50 < ${TARGET_TREND_P50_MS} ms)`,
  async run({ log }) {
    const days = Number(process.env.BENCH_HISTORY_DAYS ?? 30);
    const seconds = Number(process.env.BENCH_HISTORY_SECONDS ?? 60);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-history-'));
    const eventLoopLog = path.join(dataDir, 'event-loop.jsonl');
    const dbFile = path.join(dataDir, 'pressroom.db');
    try {
      const seeded = seed(dataDir, days, log);
      // The seed leaves hundreds of MB to write back; flush it now so fsyncs during the
      // measurement wait for the service's own writes only.
      execFileSync('sync');
      const dbMb = statSync(dbFile).size / 1048576;
      log(`seeded ${seeded.rows.toLocaleString('en-US')} samples over ${days} days × 3 presses in ${round(seeded.seconds)} s (${round(dbMb)} MB)`);
      const baseline = oldRawScan(dbFile, days, 5);
      log(`baseline, the old raw scan of ${days} days of paper: p50 ${round(baseline.p50)} ms (the event loop blocked that long per read)`);

      const { service, client } = await startBenchService({ config: alarmBenchConfig(), dataDir, eventLoopLog });
      let boards: DashboardClients | undefined;
      const readers = await startChild(new URL('./lib/trend-readers.ts', import.meta.url), { name: 'trend-readers' });
      try {
        boards = await DashboardClients.connect(service.url, 2);
        await sleep(2000); // presses online, first scans done
        // Same-run baseline: the live path alone (jams, health polls), no trend reader.
        let poolReply: Awaited<ReturnType<ServiceClient['send']>> | undefined;
        const live = await quietThenLoad({
          service,
          client,
          boards,
          eventLoopLog,
          quietSeconds: QUIET_SECONDS,
          loadSeconds: seconds,
          load: () =>
            readers.call<TrendReadersResult>('run', {
              url: service.url,
              readers: READERS,
              seconds,
              rangeMs: days * DAY_MS,
              maxPoints: MAX_POINTS,
              series: [
                { pressId: 'press-1', signal: 'paper' },
                { pressId: 'press-2', signal: 'speed' },
                { pressId: 'press-3', signal: 'ink.1' },
                { pressId: 'press-2', signal: 'paper' },
              ],
            } satisfies TrendReadersArgs),
          afterLoad: async () => {
            poolReply = await client.send('GET', '/api/health');
          },
        });
        const { jams: quietJams, health: quietHealth, loop: quietLoop } = live.quiet;
        const { result: reads, jams, health, loop } = live.load;
        const quietJam = summarize(quietJams);
        const quietHealthLatency = summarize(quietHealth);
        const walMb = (() => {
          try {
            return statSync(`${dbFile}-wal`).size / 1048576;
          } catch {
            return 0;
          }
        })();

        const trend = summarize(reads.latenciesMs);
        const jam = summarize(jams);
        const healthLatency = summarize(health);
        const ok = reads.statuses['200'] ?? 0;
        log(
          `live path alone (${QUIET_SECONDS} s): event loop p99 ${quietLoop.p99Ms} ms, max ${quietLoop.maxMs} ms; jam → socket p99 ${round(quietJam.p99)} ms over ${quietJams.length} jams; health p99 ${round(quietHealthLatency.p99)} ms`,
        );
        log(
          `${reads.latenciesMs.length} trend reads (${JSON.stringify(reads.statuses)}), p50 ${round(trend.p50)} ms, p99 ${round(trend.p99)} ms; event loop p99 ${loop.p99Ms} ms, max ${loop.maxMs} ms; jam → socket p99 ${round(jam.p99)} ms over ${jams.length} jams; health p99 ${round(healthLatency.p99)} ms`,
        );
        return {
          measured: { label: `${days}-day trend (maxPoints ${MAX_POINTS}), p50 under ${READERS} readers`, value: trend.p50, unit: 'ms' },
          baseline: { label: `old raw scan of the same ${days} days on the event loop, p50`, value: baseline.p50, unit: 'ms' },
          ratio: trend.p50 / baseline.p50,
          checks: [
            check('event-loop delay p99 during the load', loop.p99Ms, 'ms', { op: '<=', limit: TARGET_EVENT_LOOP_P99_MS }),
            check('jam → alarm:raised at the socket, p99', jam.p99, 'ms', { op: '<=', limit: TARGET_JAM_P99_MS }),
            check(`${days}-day trend p50`, trend.p50, 'ms', { op: '<=', limit: TARGET_TREND_P50_MS }),
            check('trend reads answered 200', ok, 'reads', { op: '>=', limit: 1 }),
            check('/api/health p99', healthLatency.p99, 'ms', null),
          ],
          figures: {
            days,
            seconds,
            readers: READERS,
            'seed.samples': seeded.rows,
            'seed.seconds': round(seeded.seconds, 1),
            'seed.dbMb': round(dbMb, 1),
            'baseline.oldRawScanP50Ms': round(baseline.p50, 1),
            'baseline.oldRawScanMaxMs': round(baseline.max, 1),
            'trend.reads': reads.latenciesMs.length,
            'trend.status': JSON.stringify(reads.statuses),
            'trend.p50Ms': round(trend.p50, 1),
            'trend.p90Ms': round(trend.p90, 1),
            'trend.p99Ms': round(trend.p99, 1),
            'trend.maxMs': round(trend.max, 1),
            'trend.readsPerS': round(reads.latenciesMs.length / seconds, 1),
            'trend.mbPerS': round(reads.bytes / 1048576 / seconds, 1),
            'trend.pointsInFirstAnswers': reads.firstPoints.join('/'),
            'trend.errors': reads.errors.length,
            'eventLoop.p50Ms': loop.p50Ms,
            'eventLoop.p99Ms': loop.p99Ms,
            'eventLoop.p999Ms': loop.p999Ms,
            'eventLoop.maxMs': loop.maxMs,
            'jam.rounds': jams.length,
            'jam.p50Ms': round(jam.p50, 1),
            'jam.p99Ms': round(jam.p99, 1),
            'jam.maxMs': round(jam.max, 1),
            'eventLoop.utilization': loop.utilization,
            // the main thread's own cost of one trend read: busy time beyond the live path alone
            'eventLoop.busyMsPerRead': round((loop.activeMs - (quietLoop.activeMs * seconds) / QUIET_SECONDS) / Math.max(1, reads.latenciesMs.length), 2),
            'quiet.eventLoopUtilization': quietLoop.utilization,
            'quiet.eventLoopP99Ms': quietLoop.p99Ms,
            'quiet.eventLoopMaxMs': quietLoop.maxMs,
            'quiet.jamP50Ms': round(quietJam.p50, 1),
            'quiet.jamP99Ms': round(quietJam.p99, 1),
            'quiet.healthP99Ms': round(quietHealthLatency.p99, 1),
            'health.p50Ms': round(healthLatency.p50, 1),
            'health.p99Ms': round(healthLatency.p99, 1),
            'health.maxMs': round(healthLatency.max, 1),
            'wal.mbAtEnd': round(walMb, 1),
            'service.history': JSON.stringify((poolReply!.body as { history?: unknown }).history ?? null),
          },
          notes: [
            `Seeded through SampleRollups.record (the recorder's path) in batches of one hour; the demo rate measured on the demo's own database: ~4.9 samples/s for 3 presses (paper 0.48/s per press: 1.2 M rows in 30 days).`,
            `Readers run in a child process, each from its own loopback address (8 clients); jams are raised on ${PRESS} through the simulator by an admin and timed to alarm:raised at a socket.io client in this process.`,
            'Event-loop delay: a histogram in the service over exactly the load window (10 ms sampling, interval subtracted, as /api/health).',
            `Same-run baselines: the old raw scan timed on the seeded file before the service starts; the live path alone (jams and health polls, no trend reader) for ${QUIET_SECONDS} s before the readers start ("quiet.*"), which shows what the machine itself adds.`,
          ],
        };
      } finally {
        boards?.close();
        client.close();
        await readers.close();
        await service.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
