import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryBody, HistoryPoint } from '../../src/http/ports.js';
import { HOUR_MS, MINUTE_MS } from '../../src/recording/rollup-migrations.js';
import { SampleRollups } from '../../src/recording/sample-rollups.js';
import { TrendBucketCache } from '../../src/recording/trend-bucket-cache.js';
import { MINUTE_ROWS_BUDGET, RAW_ROWS_BUDGET, TrendReader } from '../../src/recording/trend-reader.js';
import { openTestStore as openStore, type TestStore as Store } from '../helpers/test-store.js';
import { demoBatches, demoSeries } from '../helpers/demo-history.js';
import { makeTempDir } from '../store/temp-store.js';

const DAY_MS = 86_400_000;
const end = Date.UTC(2026, 4, 20, 12, 0, 0);
let temp: ReturnType<typeof makeTempDir>;
let store: Store;
let rollups: SampleRollups;

// One store for the file, seeded once: 36 days of press-1's paper (one row every 6 s, a third
// of the demo's rate to keep the file quick: 520 k rows), more than the minute budget. The
// tests run in order; those that add samples or purge come last.
beforeAll(() => {
  temp = makeTempDir();
  store = openStore({ dataDir: temp.dir });
  rollups = new SampleRollups(store);
  const paper = demoSeries(['press-1'])
    .filter((s) => s.signal === 'paper')
    .map((s) => ({ ...s, periodMs: 6_000 }));
  for (const batch of demoBatches({ series: paper, from: end - 36 * DAY_MS, to: end, batchMs: 6 * HOUR_MS })) rollups.record(batch);
}, 120_000);
afterAll(() => {
  store.close();
  temp.cleanup();
});

function read(reader: TrendReader, from: number, to: number, maxPoints: number) {
  const answer = reader.read({ pressId: 'press-1', signal: 'paper', from, to, maxPoints });
  return { ...answer, body: JSON.parse(answer.body) as HistoryBody };
}

/** What the raw samples say about [at, at + width): the figures a bucket must show. */
function rawFigures(at: number, width: number) {
  const rows = store.database.connection
    .prepare('SELECT value FROM samples JOIN sample_series s ON s.id = series_id WHERE s.signal = ? AND at >= ? AND at < ?')
    .pluck()
    .all('paper', at, at + width) as (number | null)[];
  const values = rows.filter((v): v is number => v !== null);
  return { count: rows.length, min: Math.min(...values), max: Math.max(...values), avg: values.reduce((a, b) => a + b, 0) / values.length };
}

function expectBucketsMatchRaw(points: HistoryPoint[], width: number): void {
  for (const point of points) {
    const raw = rawFigures(point.at, width);
    expect({ at: point.at, count: point.count, min: point.min, max: point.max }).toEqual({ at: point.at, count: raw.count, min: raw.min, max: raw.max });
    expect(point.value).toBeCloseTo(raw.avg, 9);
  }
}

describe('TrendReader', () => {
  it('answers a short range with the raw samples and the value in force before it', () => {
    const answer = read(new TrendReader(store.database.connection), end - 10 * MINUTE_MS, end, 500);
    expect(answer.source).toBe('raw');
    expect(answer.body).toMatchObject({ pressId: 'press-1', signal: 'paper', from: end - 10 * MINUTE_MS, to: end, downsampled: false });
    expect(answer.body.points).toHaveLength(rawFigures(end - 10 * MINUTE_MS, 10 * MINUTE_MS + 1).count);
    expect(answer.body.points.length).toBeGreaterThan(95); // one every 6 s
    expect(answer.body.previous!.at).toBeLessThan(end - 10 * MINUTE_MS);
  });

  it('cuts buckets from the samples, as before rollups, when minute rollups would be coarser than asked', () => {
    const from = end - 3 * HOUR_MS + 123;
    const answer = read(new TrendReader(store.database.connection), from, end, 900);
    expect(answer.source).toBe('raw-buckets');
    const old = store.samples.history({ pressId: 'press-1', signal: 'paper', from, to: end, maxPoints: 900 });
    if (old.kind !== 'buckets') throw new Error('expected buckets from the old reader');
    expect(answer.body.bucketMs).toBe(old.bucketMs);
    expect(answer.body.points.map((p) => [p.at, p.count, p.min, p.max, p.quality])).toEqual(
      old.buckets.map((b) => [b.start, b.count, b.min, b.max, b.quality]),
    );
  });

  it('draws a month from minute rollups: at most maxPoints buckets, each equal to its samples, reading at most the minute budget', () => {
    const reader = new TrendReader(store.database.connection);
    const answer = read(reader, end - 30 * DAY_MS + 7_777, end - 1, 10_000);
    expect(answer.source).toBe('minute');
    expect(answer.body.downsampled).toBe(true);
    expect(answer.body.bucketMs).toBe(5 * MINUTE_MS);
    expect(answer.body.points.length).toBeLessThanOrEqual(10_000);
    expect(answer.body.points.length).toBeGreaterThan(8_000);
    expect(answer.rowsRead).toBeLessThanOrEqual(MINUTE_ROWS_BUDGET);
    // whole buckets on the epoch's grid, the first holding `from`
    expect(answer.body.points.every((p) => p.at % (5 * MINUTE_MS) === 0)).toBe(true);
    expect(answer.body.points[0]!.at).toBeLessThanOrEqual(end - 30 * DAY_MS + 7_777);
    const every97th = answer.body.points.filter((_, i) => i % 97 === 0);
    expectBucketsMatchRaw(every97th, 5 * MINUTE_MS);
    // the comm losses of the month are still visible after downsampling
    expect(answer.body.points.filter((p) => p.quality === 'bad').length).toBeGreaterThan(10);
  });

  it('draws from hour rollups when fewer points are asked than hours, past the minute budget, or where minutes were purged', () => {
    const reader = new TrendReader(store.database.connection);
    const coarse = read(reader, end - 30 * DAY_MS, end - 1, 500);
    expect(coarse.source).toBe('hour');
    expect(coarse.body.bucketMs! % HOUR_MS).toBe(0);
    expectBucketsMatchRaw(coarse.body.points.slice(0, 3), coarse.body.bucketMs!);

    const long = read(reader, end - 36 * DAY_MS, end - 1, 10_000);
    expect((36 * DAY_MS) / MINUTE_MS).toBeGreaterThan(MINUTE_ROWS_BUDGET);
    expect(long).toMatchObject({ source: 'hour', body: { bucketMs: HOUR_MS } });

    rollups.purge({ minutesBefore: end - 10 * DAY_MS, hoursBefore: 0 });
    const pastMinutes = read(reader, end - 20 * DAY_MS, end - 1, 10_000);
    expect(pastMinutes.source).toBe('hour');
    expect(pastMinutes.body.points[0]!.at).toBe(end - 20 * DAY_MS);
  });

  it('never buckets more samples than its budget: a range that holds more is drawn from minute rollups', () => {
    const speed = demoSeries(['press-1']).find((s) => s.signal === 'speed')!;
    const fast = { ...speed, signal: 'speed.fast', periodMs: 1_000 };
    for (const batch of demoBatches({ series: [fast], from: end - DAY_MS, to: end, batchMs: 6 * HOUR_MS })) rollups.record(batch);
    const answer = new TrendReader(store.database.connection).read({
      pressId: 'press-1',
      signal: 'speed.fast',
      from: end - DAY_MS,
      to: end - 1,
      maxPoints: 5_000,
    });
    expect(DAY_MS / 1_000).toBeGreaterThan(RAW_ROWS_BUDGET);
    expect(answer.source).toBe('minute');
    expect((JSON.parse(answer.body) as HistoryBody).bucketMs).toBe(MINUTE_MS);
  });

  it('serves cached buckets that stay exact as new and late samples arrive', () => {
    const cache = new TrendBucketCache();
    const cached = new TrendReader(store.database.connection, cache);
    const from = end - 7 * DAY_MS;
    read(cached, from, end + HOUR_MS, 2_000);
    expect(cache.size).toBe(1);

    // the live end moves on, and a backlog from an outage lands in a bucket three days back
    const told = new Map<number, number>();
    const live = new SampleRollups(store, { onStored: (oldest) => oldest.forEach((at, id) => told.set(id, Math.min(at, told.get(id) ?? at))) });
    live.record([
      { pressId: 'press-1', signal: 'paper', at: end + 5 * MINUTE_MS, value: 3 },
      { pressId: 'press-1', signal: 'paper', at: end - 3 * DAY_MS + 1, value: 101 },
    ]);
    for (const [seriesId, since] of told) cache.changed(seriesId, since);

    const again = read(cached, from, end + HOUR_MS, 2_000);
    const fresh = read(new TrendReader(store.database.connection), from, end + HOUR_MS, 2_000);
    expect(again.body).toEqual(fresh.body);
    expect(again.body.points.some((p) => p.max === 101)).toBe(true);
    expect(again.rowsRead).toBeLessThan(fresh.rowsRead / 2);
  });

  it('shares cached buckets between a long and a shorter range of the same bucket width', () => {
    const reader = new TrendReader(store.database.connection, new TrendBucketCache());
    const nineDays = read(reader, end - 9 * DAY_MS, end - 1, 10_000);
    const threeDays = read(reader, end - 3 * DAY_MS, end - 1, 2_160);
    expect([nineDays.body.bucketMs, threeDays.body.bucketMs]).toEqual([2 * MINUTE_MS, 2 * MINUTE_MS]);
    expect(threeDays.rowsRead).toBeLessThanOrEqual(2); // only the bucket holding `to`
    const again = read(reader, end - 9 * DAY_MS, end - 1, 10_000);
    expect(again.rowsRead).toBeLessThanOrEqual(2);
    expect(again.body).toEqual(nineDays.body);
    expect(threeDays.body.points).toEqual(nineDays.body.points.filter((p) => p.at >= end - 3 * DAY_MS));
  });
});
