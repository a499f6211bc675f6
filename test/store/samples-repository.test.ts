import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore as openStore, type TestStore as Store } from '../helpers/test-store.js';
import type { Sample } from '../../src/recording/samples-repository.js';
import { StoreError } from '../../src/store/errors.js';
import { makeTempDir } from './temp-store.js';

let temp: ReturnType<typeof makeTempDir>;
let store: Store;
beforeEach(() => {
  temp = makeTempDir();
  store = openStore({ dataDir: temp.dir });
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

const t0 = Date.UTC(2025, 2, 3, 6, 0, 0);
const all = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** Speed every 10 s with a slow swing and a few sharp dips: what a downsampled trend must keep. */
function speedSamples(count: number): Sample[] {
  return Array.from({ length: count }, (_, i) => ({
    pressId: 'sm52',
    signal: 'speed',
    at: t0 + i * 10_000,
    value: i % 997 === 500 ? 1_200 : Math.round(12_000 + 800 * Math.sin(i / 150)),
  }));
}

describe('SamplesRepository', () => {
  it('round-trips samples of several presses and signals, with quality and null values', () => {
    store.samples.insertMany([
      { pressId: 'sm52', signal: 'ink.1', at: t0, value: 81.5 },
      { pressId: 'sm52', signal: 'ink.1', at: t0 + 1_000, value: null, quality: 'bad' },
      { pressId: 'sm52', signal: 'ink.1', at: t0 + 2_000, value: 80.9, quality: 'stale' },
      { pressId: 'rapida', signal: 'ink.1', at: t0, value: 12 },
    ]);
    const history = store.samples.history({ pressId: 'sm52', signal: 'ink.1', ...all, maxPoints: 100 });
    expect(history.kind).toBe('raw');
    expect(history.kind === 'raw' && history.points).toEqual([
      { at: t0, value: 81.5, quality: 'good' },
      { at: t0 + 1_000, value: null, quality: 'bad' },
      { at: t0 + 2_000, value: 80.9, quality: 'stale' },
    ]);
    const other = store.samples.history({ pressId: 'rapida', signal: 'ink.1', ...all, maxPoints: 100 });
    expect(other.kind === 'raw' && other.points.map((p) => p.value)).toEqual([12]);
    const never = store.samples.history({ pressId: 'sm52', signal: 'paper', ...all, maxPoints: 100 });
    expect(never).toMatchObject({ kind: 'raw', points: [], previous: null });
  });

  it('stores a batch all or nothing, and a failed batch leaves no half-known series behind', () => {
    const broken = [
      { pressId: 'sm52', signal: 'level.fountain', at: t0, value: 70 },
      { pressId: 'sm52', signal: 'level.fountain', at: null as unknown as number, value: 69 },
    ];
    expect(() => store.samples.insertMany(broken)).toThrow(StoreError);
    expect(store.samples.history({ pressId: 'sm52', signal: 'level.fountain', ...all, maxPoints: 10 })).toMatchObject({ points: [] });
    // The series row was rolled back with the batch; a cached id for it would now break this insert.
    store.samples.insertMany([broken[0]!]);
    expect(store.samples.history({ pressId: 'sm52', signal: 'level.fountain', ...all, maxPoints: 10 })).toMatchObject({
      points: [{ at: t0, value: 70 }],
    });
  });

  it('returns raw points when the range holds at most maxPoints, inclusive at both ends, with the value before it', () => {
    store.samples.insertMany(speedSamples(50));
    const history = store.samples.history({ pressId: 'sm52', signal: 'speed', from: t0 + 100_000, to: t0 + 200_000, maxPoints: 11 });
    expect(history.kind).toBe('raw');
    if (history.kind !== 'raw') return;
    expect(history.points.map((p) => p.at)).toEqual(Array.from({ length: 11 }, (_, i) => t0 + 100_000 + i * 10_000));
    expect(history.previous?.at).toBe(t0 + 90_000);
  });

  it('downsamples to at most maxPoints buckets whose min, max, first, last and count match the raw samples', () => {
    const samples = speedSamples(10_000);
    store.samples.insertMany(samples);
    const from = t0;
    const to = t0 + 10_000 * 10_000;
    const history = store.samples.history({ pressId: 'sm52', signal: 'speed', from, to, maxPoints: 300 });
    expect(history.kind).toBe('buckets');
    if (history.kind !== 'buckets') return;
    expect(history.buckets.length).toBeLessThanOrEqual(300);
    expect(history.buckets.length).toBeGreaterThan(290);
    expect(history.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(10_000);

    for (const bucket of history.buckets) {
      const inside = samples.filter((s) => s.at >= bucket.start && s.at < bucket.end);
      const values = inside.map((s) => s.value as number);
      expect(bucket.count).toBe(inside.length);
      expect(bucket.min).toBe(Math.min(...values));
      expect(bucket.max).toBe(Math.max(...values));
      expect(bucket.first).toEqual({ at: inside[0]!.at, value: inside[0]!.value, quality: 'good' });
      expect(bucket.last).toEqual({ at: inside.at(-1)!.at, value: inside.at(-1)!.value, quality: 'good' });
      expect(bucket.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    }
    // Every sharp dip to 1,200 sheets/h survives as some bucket's min.
    const dips = samples.filter((s) => s.value === 1_200).length;
    expect(history.buckets.filter((b) => b.min === 1_200)).toHaveLength(dips);
  });

  it('reports the worst quality in a bucket so a comm loss stays visible after downsampling', () => {
    const samples: Sample[] = Array.from({ length: 1_000 }, (_, i) => ({ pressId: 'sm52', signal: 'paper', at: t0 + i * 1_000, value: 50 }));
    samples[500] = { ...samples[500]!, value: null, quality: 'bad' };
    store.samples.insertMany(samples);
    const history = store.samples.history({ pressId: 'sm52', signal: 'paper', from: t0, to: t0 + 999_999, maxPoints: 10 });
    if (history.kind !== 'buckets') throw new Error('expected buckets');
    expect(history.buckets.map((b) => b.quality)).toEqual(['good', 'good', 'good', 'good', 'good', 'bad', 'good', 'good', 'good', 'good']);
    expect(history.buckets[5]).toMatchObject({ min: 50, max: 50, count: 100 });
  });

  it('answers history with a primary-key range search, not a table scan', () => {
    store.samples.insertMany(speedSamples(10));
    const plan = store.database.connection.prepare('EXPLAIN QUERY PLAN SELECT at, value FROM samples WHERE series_id = 1 AND at BETWEEN 0 AND 10').all() as {
      detail: string;
    }[];
    expect(plan.map((row) => row.detail).join('\n')).toMatch(/SEARCH samples USING PRIMARY KEY \(series_id=\? AND at>\? AND at<\?\)/);
  });

  it('retention deletes only samples older than the cutoff, keeping each series its value at the cutoff', () => {
    const minute = 60_000;
    const inkSamples: Sample[] = [0, 10, 20, 30, 40].map((m, i) => ({ pressId: 'sm52', signal: 'ink.2', at: t0 + m * minute, value: 90 - i }));
    const paperSamples: Sample[] = [5, 35].map((m) => ({ pressId: 'sm52', signal: 'paper', at: t0 + m * minute, value: m }));
    store.samples.insertMany([...inkSamples, ...paperSamples]);

    const cutoff = t0 + 25 * minute;
    expect(store.samples.purgeOlderThan(cutoff)).toBe(2); // ink at 0 and 10 min; ink at 20 and paper at 5 stay
    const ink = store.samples.history({ pressId: 'sm52', signal: 'ink.2', ...all, maxPoints: 100 });
    expect(ink.kind === 'raw' && ink.points.map((p) => (p.at - t0) / minute)).toEqual([20, 30, 40]);
    const paper = store.samples.history({ pressId: 'sm52', signal: 'paper', ...all, maxPoints: 100 });
    expect(paper.kind === 'raw' && paper.points.map((p) => (p.at - t0) / minute)).toEqual([5, 35]);
    expect(store.samples.purgeOlderThan(cutoff)).toBe(0);
  });
});
