import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore as openStore } from '../helpers/test-store.js';
import { createSampleFilter, defaultSignalPolicy, type FilterReading, type SampleFilter } from '../../src/recording/sample-filter.js';
import type { Sample } from '../../src/recording/samples-repository.js';
import { dayPresses, simulateDay } from './day-of-presses.js';
import { makeTempDir } from './temp-store.js';

const t0 = Date.UTC(2025, 2, 3, 0, 0, 0);
const SECOND = 1_000;

function speedFilter(): SampleFilter {
  return createSampleFilter({ policyFor: ({ signal }) => defaultSignalPolicy({ signal, ratedSpeed: 15_000 }) });
}

function reading(signal: string, secondsIn: number, value: number | null, quality: FilterReading['quality'] = 'good'): FilterReading {
  return { pressId: 'sm52', signal, at: t0 + secondsIn * SECOND, value, quality };
}

describe('sample filter', () => {
  it('records the first reading, then only speed changes beyond 1 % of rated speed (150 sheets/h)', () => {
    const filter = speedFilter();
    const offered = [12_000, 12_100, 11_900, 12_150, 12_151, 12_000, 12_301].map((v, i) => filter.offer(reading('speed', i, v)));
    // 12,150 is exactly the deadband from 12,000: not beyond it. 12,151 is.
    expect(offered).toEqual([true, false, false, false, true, true, true]);
  });

  it('compares with the last recorded value, so a slow drift is still recorded every deadband', () => {
    const filter = createSampleFilter({ policyFor: ({ signal }) => defaultSignalPolicy({ signal, ratedSpeed: 15_000 }) });
    const recorded = [];
    for (let i = 0; i <= 12; i += 1) {
      const level = 80 - i * 0.25; // ink falling 0.25 % per reading (exact in binary)
      if (filter.offer(reading('ink.1', i, level))) recorded.push(level);
    }
    // 0.5 below the last record is not beyond the 0.5 deadband; 0.75 is.
    expect(recorded).toEqual([80, 79.25, 78.5, 77.75, 77]);
  });

  it('records a heartbeat after 60 s of an unchanged value', () => {
    const filter = speedFilter();
    const recordedAt = [];
    for (let s = 0; s <= 180; s += 1) if (filter.offer(reading('speed', s, 0))) recordedAt.push(s);
    expect(recordedAt).toEqual([0, 60, 120, 180]);
  });

  it('records every quality change and a value appearing or vanishing, at once', () => {
    const filter = speedFilter();
    expect(filter.offer(reading('paper', 0, 55))).toBe(true);
    expect(filter.offer(reading('paper', 1, 55, 'stale'))).toBe(true);
    expect(filter.offer(reading('paper', 2, null, 'bad'))).toBe(true);
    expect(filter.offer(reading('paper', 3, null, 'bad'))).toBe(false);
    expect(filter.offer(reading('paper', 4, 55))).toBe(true);
  });

  it('records a counter change at most every 10 s, and its final value once the interval passed', () => {
    const filter = speedFilter();
    const recordedAt = [];
    // Counting 4 sheets a second for 25 s, then standing still.
    for (let s = 0; s < 40; s += 1) if (filter.offer(reading('counter.total', s, 1_000 + Math.min(s, 25) * 4))) recordedAt.push(s);
    expect(recordedAt).toEqual([0, 10, 20, 30]);
  });

  it('starts afresh when the clock goes back, and forget() drops a press', () => {
    const filter = speedFilter();
    filter.offer(reading('speed', 100, 12_000));
    expect(filter.offer(reading('speed', 50, 12_000))).toBe(true);
    expect(filter.offer(reading('speed', 51, 12_000))).toBe(false);
    filter.forget('sm52');
    expect(filter.offer(reading('speed', 52, 12_000))).toBe(true);
  });

  it('keeps one signal separate from another and one press from another', () => {
    const filter = speedFilter();
    expect(filter.offer(reading('speed', 0, 12_000))).toBe(true);
    expect(filter.offer(reading('ink.1', 0, 12_000))).toBe(true);
    expect(filter.offer({ ...reading('speed', 0, 12_000), pressId: 'rapida' })).toBe(true);
  });
});

describe('a day of three presses through the filter', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('stores under 40,000 rows per press and a few MB on disk, and the trend still shows the comm loss', () => {
    const rated = new Map(dayPresses.map((press) => [press.pressId, press.ratedSpeed]));
    const filter = createSampleFilter({
      policyFor: ({ pressId, signal }) => defaultSignalPolicy({ signal, ratedSpeed: rated.get(pressId) ?? 0 }),
    });
    const store = openStore({ dataDir: temp.dir });
    let offered = 0;
    let pending: Sample[] = [];
    let lastFlushAt = t0;
    simulateDay({
      start: t0,
      seed: 52,
      deliver: (r) => {
        offered += 1;
        if (filter.offer(r)) pending.push(r);
        if (r.at - lastFlushAt >= 5_000) {
          // The recorder flushes a batch every few seconds: one transaction each.
          store.samples.insertMany(pending);
          pending = [];
          lastFlushAt = r.at;
        }
      },
    });
    store.samples.insertMany(pending);

    const rows = store.database.connection.prepare('SELECT count(*) FROM samples').pluck().get() as number;
    expect(offered).toBe(3 * 86_400 * (4 + 6 / 5)); // 4 signals each second, 6 every 5 s
    expect(rows).toBeLessThan(40_000 * dayPresses.length);
    // Floor: heartbeats alone give 1,440 rows per signal and day (10 signals, 3 presses).
    expect(rows).toBeGreaterThan(1_440 * 10 * 3);

    const comm = store.samples.history({ pressId: 'gto-52', signal: 'speed', from: t0 + 14 * 3_600_000, to: t0 + 14.5 * 3_600_000, maxPoints: 20 });
    const qualities = comm.kind === 'buckets' ? comm.buckets.map((b) => b.quality) : comm.points.map((p) => p.quality);
    expect(qualities).toContain('bad');

    store.database.connection.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fs.statSync(store.database.path).size;
    store.close();
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
    // For the report: rows and bytes of one simulated day.
    console.info(`store day simulation: ${offered} readings offered, ${rows} rows stored, ${(bytes / 1024 / 1024).toFixed(2)} MiB`);
  });
});
