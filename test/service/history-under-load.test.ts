/**
 * Issue 10, item 2, on the real service process: 30 days of press-1's paper level at the
 * demo's recording rate (1.2 M samples, stored before the rollups existed, so the service's
 * migration fills them at start), eight clients reading the 30-day trend again and again
 * (maxPoints 10000), and meanwhile a feeder jam raised through the simulator. Before trends
 * were read off the event loop, each read blocked the service ~0.7 s and the jam did not reach
 * the socket for seconds (20 s+ in the issue's run).
 *
 * Bounds, generous for a busy 2-core CI box and still far below what the blocking reads
 * caused: each jam on the socket within 2 s of the request (normally ~250 ms: one 250 ms scan
 * period), each /api/health within 1 s. And the trend served from rollups shows, bucket by
 * bucket, the min, average, max and count of the raw samples.
 */
import Database from 'better-sqlite3';
import { Agent, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView } from '../../src/model/alarm-view.js';
import type { PressSnapshot } from '../../src/model/press-snapshot.js';
import type { HealthReport, HistoryBody } from '../../src/http/ports.js';
import { openTestStore as openStore } from '../helpers/test-store.js';
import { ApiClient, openSocket, recordEvents, removeTestConfig, writeTestConfig } from '../e2e/e2e-kit.js';
import { demoBatches, demoSeries } from '../helpers/demo-history.js';
import { ADMIN_PASSWORD, eventually, startService, type ServiceProcess } from '../helpers/service-process.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const READERS = 8;
const JAM_WITHIN_MS = 2_000;
const HEALTH_WITHIN_MS = 1_000;
/** Ends an hour before the service starts, so the live recording never shares a bucket with it. */
const seedEnd = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
const seedFrom = seedEnd - 30 * DAY_MS;

const config = writeTestConfig();
let dataDir: string;
let service: ServiceProcess;
let admin: ApiClient;
let anonymous: ApiClient;
let board: Socket;

function seedPaper(dir: string): number {
  const store = openStore({ dataDir: dir, rollups: false }); // no rollup tables yet: the rollups come with the service's migration
  const paper = demoSeries(['press-1']).filter((s) => s.signal === 'paper');
  let rows = 0;
  try {
    for (const batch of demoBatches({ series: paper, from: seedFrom, to: seedEnd, batchMs: DAY_MS })) rows += store.samples.insertMany(batch);
  } finally {
    store.close();
  }
  return rows;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'pressroom-history-'));
  expect(seedPaper(dataDir)).toBeGreaterThan(1_200_000);
  service = await startService({ config, dataDir, timeoutMs: 60_000 });
  anonymous = new ApiClient(service.url);
  admin = await anonymous.login({ username: 'admin', password: ADMIN_PASSWORD });
  await eventually(async () => ((await anonymous.get<PressSnapshot>('/api/presses/press-1')).body.state === 'production' ? true : undefined), {
    what: 'press-1 in production',
    timeoutMs: 15_000,
  });
  board = await openSocket(service.url);
}, 120_000);
afterAll(async () => {
  board?.close();
  await service?.stop({ cleanup: true });
  removeTestConfig(config);
});

/** One wall screen or office PC: its own address, asking for the month again as soon as it has it. */
function trendReader(index: number, stop: { now: boolean }, seen: { statuses: number[] }): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (url: URL) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { agent, localAddress: `127.0.0.${10 + index}`, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return (async () => {
    try {
      while (!stop.now) {
        const to = Date.now();
        // a read cut off by a failing test's teardown counts as status 0, not as an unhandled error
        seen.statuses.push(
          await get(new URL(`api/presses/press-1/history?signal=paper&from=${to - 30 * DAY_MS}&to=${to}&maxPoints=10000`, service.url)).catch(() => 0),
        );
      }
    } finally {
      agent.destroy();
    }
  })();
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('30-day trends read by eight clients while the press jams', () => {
  it('the jam reaches the socket promptly and /api/health stays responsive', async () => {
    const raised = recordEvents<AlarmView>(board, 'alarm:raised');
    const cleared = recordEvents<AlarmView>(board, 'alarm:cleared');
    const stop = { now: false };
    const seen = { statuses: [] as number[] };
    const readers = Array.from({ length: READERS }, (_, i) => trendReader(i, stop, seen));
    const jamMs: number[] = [];
    const healthMs: number[] = [];
    try {
      await eventually(() => (seen.statuses.length >= READERS ? true : undefined), { what: `${READERS} trend reads answered`, timeoutMs: 30_000 });
      for (let round = 0; round < 3; round++) {
        const before = raised.all.length;
        const health = timed(() => anonymous.get<HealthReport>('/api/health'));
        const jam = await timed(async () => {
          const sent = await admin.post('/api/simulation/presses/press-1/events', { action: 'jam', code: 'jam.feeder' });
          expect(sent.status).toBe(200);
          // waits longer than the bound, so a slow jam fails on the figure below, not on a timeout
          return raised.next((a) => raised.all.indexOf(a) >= before && a.pressId === 'press-1' && a.code === 'jam.feeder', 10_000).catch(() => undefined);
        });
        jamMs.push(jam.ms);
        if (!jam.value) break; // not raised within 10 s: the figures below say so
        const answered = await health;
        expect(answered.value.status).toBe(200);
        healthMs.push(answered.ms);
        healthMs.push((await timed(() => anonymous.get('/api/health'))).ms);

        expect((await admin.post('/api/simulation/presses/press-1/events', { action: 'clear-jam' })).status).toBe(200);
        await cleared.next((a) => a.id === jam.value!.id, 30_000);
        expect((await admin.post(`/api/alarms/${encodeURIComponent(jam.value.id)}/ack`, { note: 'history load test' })).status).toBe(200);
      }
    } finally {
      stop.now = true;
      await Promise.all(readers);
    }
    console.log(
      `[figure] under ${READERS} readers of 30-day trends (${seen.statuses.length} reads): jam → socket ${jamMs.map((ms) => ms.toFixed(0)).join(', ')} ms; /api/health ${healthMs.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    );
    expect(Math.max(...jamMs)).toBeLessThan(JAM_WITHIN_MS);
    expect(Math.max(...healthMs)).toBeLessThan(HEALTH_WITHIN_MS);
    // every read answered, none refused: eight clients, each within its own limit
    expect(seen.statuses.filter((s) => s !== 200)).toEqual([]);
    const health = (await anonymous.get<HealthReport>('/api/health')).body;
    expect(health.history).toMatchObject({ ready: health.history!.workers });
    expect(health.history!.answered).toBeGreaterThanOrEqual(seen.statuses.length);
  }, 120_000);

  it('shows, bucket by bucket, the min, average, max and count of the raw samples', async () => {
    const answer = await anonymous.get<HistoryBody>(`/api/presses/press-1/history?signal=paper&from=${seedFrom}&to=${seedEnd - 1}&maxPoints=10000`);
    expect(answer.status).toBe(200);
    const body = answer.body;
    expect(body).toMatchObject({ pressId: 'press-1', signal: 'paper', from: seedFrom, to: seedEnd - 1, downsampled: true, bucketMs: 5 * 60_000 });
    expect(body.points).toHaveLength(30 * 24 * 12);

    const db = new Database(path.join(dataDir, 'pressroom.db'), { readonly: true });
    try {
      // the raw samples summed up by bucket in SQL, straight from the samples table (not the rollups)
      const bucketMs = body.bucketMs!;
      const rows = db
        .prepare(
          `SELECT (at / CAST(:bucketMs AS INTEGER)) * CAST(:bucketMs AS INTEGER) AS start, COUNT(*) AS count, MIN(value) AS min, MAX(value) AS max, AVG(value) AS avg
           FROM samples JOIN sample_series s ON s.id = series_id
           WHERE s.press_id = :pressId AND s.signal = :signal AND at BETWEEN :from AND :to GROUP BY start`,
        )
        .all({ bucketMs, pressId: 'press-1', signal: 'paper', from: seedFrom, to: seedEnd - 1 }) as {
        start: number;
        count: number;
        min: number;
        max: number;
        avg: number;
      }[];
      const byBucket = new Map(rows.map((row) => [row.start, row]));
      const mismatches = body.points.filter((point) => {
        const bucket = byBucket.get(point.at);
        if (!bucket) return true;
        const avg = bucket.avg;
        return (
          point.count !== bucket.count || point.min !== bucket.min || point.max !== bucket.max || Math.abs((point.value ?? NaN) - avg) > 1e-9 * Math.abs(avg)
        );
      });
      expect(mismatches.slice(0, 3)).toEqual([]);
      expect(byBucket.size).toBe(body.points.length);
    } finally {
      db.close();
    }
  }, 60_000);
});
