/**
 * reports: OEE and shift reports on a year of data, and the live path beside them (issue 11,
 * item 6).
 *
 * Seeds a synthetic year of 10 presses through the production module's own code
 * (bench/lib/production-year.ts: transitions with reasons, counter steps, downtime events with
 * causes, jobs from the MIS and detected, stops coded by operators; cached by seed version and
 * day), starts the compiled service on a copy of that file with the same 10 presses simulated,
 * then for 60 s runs 8 report readers (8 clients, 8 loopback addresses): four ask for a year's
 * OEE per week for all presses, four open shift reports (OEE by shift, downtime Pareto, jobs,
 * downtime list of one closed shift, the four at once as the reports page asks), while jams are
 * raised through the simulator and /api/health is polled.
 *
 * Figures: a year's OEE per week p50, the shift report p50, the service's event-loop delay over
 * the load window (bench/lib/event-loop-hook.mjs), jam → alarm:raised at a socket client.
 * Baselines, same run: the year's weekly OEE summed from every rollup row of the year in one
 * SQL statement (what each request cost before closed periods were cached), timed on the
 * seeded file; the live path alone (jams, health polls, no reader) for 20 s before the load.
 *
 * BENCH_REPORTS_DAYS and BENCH_REPORTS_SECONDS shorten it for a quick check.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ShiftCalendar } from '../src/production/shift-calendar.js';
import { startChild } from './lib/child.js';
import { compiledService } from './lib/compiled-service.js';
import { DashboardClients } from './lib/dashboards.js';
import { quietThenLoad } from './lib/live-path.js';
import { copySeededYear, seededYear, yearPresses, yearShifts } from './lib/production-year.js';
import type { ReportReadersArgs, ReportReadersResult } from './lib/report-readers.js';
import { check, type Benchmark } from './lib/report.js';
import { startBenchService, writeTempConfig } from './lib/service.js';
import { round, summarize } from './lib/stats.js';
import { sleep } from './lib/timing.js';

const DAY_MS = 86_400_000;
const READERS = 8;
const TARGET_YEAR_P50_MS = 200;
const TARGET_SHIFT_P50_MS = 100;
const TARGET_EVENT_LOOP_P99_MS = 20;
const TARGET_JAM_P99_MS = 400;
const QUIET_SECONDS = 20;

function reportsBenchConfig(): string {
  return writeTempConfig({
    server: { port: 0, host: '127.0.0.1' },
    access: { anonymousRead: true },
    buses: [
      { id: 'hall-a-ethernet', kind: 'tcp', simulate: true, simulationTimeScale: 20 },
      { id: 'hall-b-rs485', kind: 'rtu-over-tcp', baudRate: 19200, simulate: true, simulationTimeScale: 20, timeoutMs: 150 },
    ],
    // the year's presses, live: no random jams (the benchmark raises its own on press-1)
    presses: yearPresses.map((p, i) => ({
      id: p.id,
      name: p.name,
      profile: p.profile,
      bus: i < 8 ? 'hall-a-ethernet' : 'hall-b-rs485',
      unitId: i + 1,
      simulation: { seed: 11 * (i + 1), jamMeanIntervalMin: 0, ...(i === 0 ? { autoAssistant: false } : {}) },
    })),
    shifts: yearShifts,
  });
}

/** The year's weekly OEE as one statement over every rollup row (the report's read before the cache). */
function wholeYearScan(file: string, from: number, to: number, runs: number) {
  const db = new Database(file, { readonly: true });
  try {
    const statement = db.prepare(`
      SELECT press_id, week, SUM(production_ms), SUM(setup_ms), SUM(idle_ms), SUM(stopped_ms), SUM(cleanup_ms), SUM(offline_ms),
        SUM(planned_downtime_ms), SUM(total), SUM(good), SUM(waste)
      FROM production_rollups WHERE planned = 1 AND bucket_start >= ? AND bucket_start < ? GROUP BY press_id, week`);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      rows = statement.all(from, to).length;
      times.push(performance.now() - t0);
    }
    return { ...summarize(times), rows };
  } finally {
    db.close();
  }
}

export const reports: Benchmark = {
  name: 'reports',
  title: `${READERS} report readers on a year of 10 presses (week OEE p50 < ${TARGET_YEAR_P50_MS} ms, shift report p50 < ${TARGET_SHIFT_P50_MS} ms, event loop p99 < ${TARGET_EVENT_LOOP_P99_MS} ms)`,
  async run({ log }) {
    const days = Number(process.env.BENCH_REPORTS_DAYS ?? 365);
    const seconds = Number(process.env.BENCH_REPORTS_SECONDS ?? 60);
    const seeded = seededYear({ log, days });
    log(
      `${seeded.cached ? 'reused the seeded' : `seeded in ${round(seeded.seconds)} s the`} ${days} days of ${yearPresses.length} presses: ${JSON.stringify(seeded.counts)}, ${round(seeded.dbMb)} MB`,
    );
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-reports-'));
    const eventLoopLog = path.join(dataDir, 'event-loop.jsonl');
    try {
      copySeededYear(seeded, dataDir);
      execFileSync('sync');
      const baseline = wholeYearScan(path.join(dataDir, 'pressroom.db'), Date.now() - days * DAY_MS, Date.now(), 5);
      log(`baseline, the year's weekly OEE summed from every rollup row: p50 ${round(baseline.p50)} ms (${baseline.rows} rows)`);
      const calendar = new ShiftCalendar(yearShifts);
      const shifts = calendar.windows(seeded.to - 28 * DAY_MS, seeded.to).filter((w) => w.end <= seeded.to);
      const build = await compiledService();
      log(`service: ${build.how}`);

      const { service, client } = await startBenchService({ config: reportsBenchConfig(), dataDir, eventLoopLog, entry: build.entry });
      let boards: DashboardClients | undefined;
      const readers = await startChild(new URL('./lib/report-readers.ts', import.meta.url), { name: 'report-readers' });
      try {
        boards = await DashboardClients.connect(service.url, 2);
        await sleep(3000); // presses online, first scans done
        const live = await quietThenLoad({
          service,
          client,
          boards,
          eventLoopLog,
          quietSeconds: QUIET_SECONDS,
          loadSeconds: seconds,
          load: () =>
            readers.call<ReportReadersResult>('run', {
              url: service.url,
              readers: READERS,
              seconds,
              yearMs: days * DAY_MS,
              shifts: shifts.map((w) => ({ from: w.start, to: w.end })),
            } satisfies ReportReadersArgs),
          // a jam that never reaches the socket under the load is a result (a failed check), not a crash of the benchmark
          jamsMayFail: true,
        });
        const { jams: quietJams, health: quietHealth, loop: quietLoop } = live.quiet;
        const { result: reads, jams, health, loop, jamFailure } = live.load;
        const year = summarize(reads.yearMs);
        const shift = summarize(reads.shiftMs);
        const jam = summarize(jams);
        const quietJam = summarize(quietJams);
        const healthLatency = summarize(health);
        const quietHealthLatency = summarize(quietHealth);
        const calls = Object.fromEntries(Object.entries(reads.shiftCallMs).map(([name, values]) => [`shift.${name}.p50Ms`, round(summarize(values).p50, 1)]));
        log(
          `live path alone (${QUIET_SECONDS} s): event loop p99 ${quietLoop.p99Ms} ms; jam → socket p99 ${round(quietJam.p99)} ms over ${quietJams.length} jams; health p50 ${round(quietHealthLatency.p50)} ms`,
        );
        log(
          `${reads.yearMs.length} year reports p50 ${round(year.p50)} ms, ${reads.shiftMs.length} shift reports p50 ${round(shift.p50)} ms (${JSON.stringify(reads.statuses)}); event loop p99 ${loop.p99Ms} ms, max ${loop.maxMs} ms; jam → socket p99 ${round(jam.p99)} ms; health p50 ${round(healthLatency.p50)} ms`,
        );
        return {
          measured: { label: `a year's OEE per week for ${yearPresses.length} presses, p50 under ${READERS} readers`, value: year.p50, unit: 'ms' },
          baseline: { label: `the same weeks summed from every rollup row of the year (one SQL statement, no cache), p50`, value: baseline.p50, unit: 'ms' },
          ratio: year.p50 / baseline.p50,
          checks: [
            check("a year's OEE per week, p50", year.p50, 'ms', { op: '<=', limit: TARGET_YEAR_P50_MS }),
            check('shift report (4 requests at once), p50', shift.p50, 'ms', { op: '<=', limit: TARGET_SHIFT_P50_MS }),
            check('event-loop delay p99 during the load', loop.p99Ms, 'ms', { op: '<=', limit: TARGET_EVENT_LOOP_P99_MS }),
            check('jam → alarm:raised at the socket, p99', jam.p99, 'ms', { op: '<=', limit: TARGET_JAM_P99_MS }),
            check('report requests answered 200', reads.statuses['200'] ?? 0, 'requests', { op: '>=', limit: 1 }),
            check('report errors', reads.errors.length, 'errors', { op: '<=', limit: 0 }),
            check('/api/health p50 under the load', healthLatency.p50, 'ms', null),
          ],
          figures: {
            days,
            seconds,
            readers: READERS,
            'seed.cached': seeded.cached,
            'seed.seconds': round(seeded.seconds, 1),
            'seed.dbMb': round(seeded.dbMb, 1),
            ...Object.fromEntries(Object.entries(seeded.counts).map(([k, v]) => [`seed.${k}`, v])),
            'baseline.wholeYearScanP50Ms': round(baseline.p50, 1),
            'year.reports': reads.yearMs.length,
            'year.rows': reads.firstYearRows,
            'year.p50Ms': round(year.p50, 1),
            'year.p90Ms': round(year.p90, 1),
            'year.p99Ms': round(year.p99, 1),
            'year.maxMs': round(year.max, 1),
            'shift.reports': reads.shiftMs.length,
            'shift.p50Ms': round(shift.p50, 1),
            'shift.p90Ms': round(shift.p90, 1),
            'shift.p99Ms': round(shift.p99, 1),
            ...calls,
            'http.status': JSON.stringify(reads.statuses),
            'http.mb': round(reads.bytes / 1048576, 1),
            'eventLoop.p50Ms': loop.p50Ms,
            'eventLoop.p99Ms': loop.p99Ms,
            'eventLoop.p999Ms': loop.p999Ms,
            'eventLoop.maxMs': loop.maxMs,
            'eventLoop.utilization': loop.utilization,
            'jam.rounds': jams.length,
            'jam.p50Ms': round(jam.p50, 1),
            'jam.p99Ms': round(jam.p99, 1),
            'health.p50Ms': round(healthLatency.p50, 1),
            'health.p99Ms': round(healthLatency.p99, 1),
            'quiet.eventLoopP99Ms': quietLoop.p99Ms,
            'quiet.eventLoopUtilization': quietLoop.utilization,
            'quiet.jamP99Ms': round(quietJam.p99, 1),
            'quiet.healthP50Ms': round(quietHealthLatency.p50, 1),
          },
          notes: [
            `Seeded through createProductionModule (tracker, repositories, ProductionService for the MIS's and operators' acts) on a manual clock, state changes and 15-minute counter steps only; played in /dev/shm where present (the operators' durable writes fsync), then cached in ${path.dirname(seeded.file)}.`,
            `Readers run in a child process from their own loopback addresses; even readers ask for the year's OEE per week (from = now − ${days} days), odd readers open the shift report of one of the last ${shifts.length} closed shifts in turn (4 requests at once, timed until the last answer).`,
            'Event-loop delay: a histogram in the service over exactly the load window (10 ms sampling, interval subtracted, as /api/health).',
            ...(jamFailure ? [`jam under the load: ${jamFailure}`] : []),
            `Same-run baselines: the whole-year SQL sum timed on the seeded file before the service starts; the live path alone (jams, health polls, no reader) for ${QUIET_SECONDS} s before the readers ("quiet.*").`,
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
