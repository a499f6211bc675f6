import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '../../src/recording/rollup-migrations.js';
import { SampleRollups } from '../../src/recording/sample-rollups.js';
import type { Sample } from '../../src/recording/samples-repository.js';
import { StoreError } from '../../src/store/index.js';
import { openTestStore as openStore, type TestStore as Store } from '../helpers/test-store.js';
import { demoBatches, demoSeries } from '../helpers/demo-history.js';
import { makeTempDir } from '../store/temp-store.js';
import { expectedRollups, rollupRows, sameRollups } from './rollup-check.js';

let temp: ReturnType<typeof makeTempDir>;
let store: Store | undefined;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  store?.close();
  store = undefined;
  temp.cleanup();
});

const t0 = Date.UTC(2026, 2, 2, 5, 30, 0);
const series = demoSeries(['press-1']).filter((s) => ['paper', 'speed', 'ink.1'].includes(s.signal));

function open(withRollups = true): Store {
  store = openStore({ dataDir: temp.dir, rollups: withRollups });
  return store;
}

function expectRollupsMatchSamples(s: Store): void {
  const c = s.database.connection;
  expect(sameRollups(rollupRows(c, 'sample_rollups_minute'), expectedRollups(c, MINUTE_MS))).toEqual({ equal: true });
  expect(sameRollups(rollupRows(c, 'sample_rollups_hour'), expectedRollups(c, HOUR_MS))).toEqual({ equal: true });
}

describe('per-minute and per-hour rollups of the samples', () => {
  it('stay equal to the samples (count, min, max, sum, worst quality) as the recorder stores batch after batch', () => {
    const s = open();
    const rollups = new SampleRollups(s);
    // 2 h 40 min in the recorder's 2 s batches: minutes and hours are split across many batches.
    for (const batch of demoBatches({ series, from: t0, to: t0 + 160 * MINUTE_MS, batchMs: 2_000 })) rollups.record(batch);
    // A comm loss, a reading replaced by a later one with the same time, and a late batch for a
    // minute long closed (the backlog of a database outage).
    rollups.record([{ pressId: 'press-1', signal: 'paper', at: t0 + 200 * MINUTE_MS, value: null, quality: 'bad' }]);
    rollups.record([{ pressId: 'press-1', signal: 'paper', at: t0 + 200 * MINUTE_MS, value: 12.5, quality: 'stale' }]);
    rollups.record([{ pressId: 'press-1', signal: 'speed', at: t0 + 3 * MINUTE_MS + 17, value: 99_999 }]);

    const minutes = rollupRows(s.database.connection, 'sample_rollups_minute');
    expect(minutes.length).toBeGreaterThan(3 * 160);
    expectRollupsMatchSamples(s);
    const late = minutes.find((r) => r.start === t0 + 3 * MINUTE_MS && r.max === 99_999);
    expect(late).toBeDefined();
    expect(
      rollupRows(s.database.connection, 'sample_rollups_hour').find((r) => r.start === Math.floor(t0 / HOUR_MS) * HOUR_MS && r.max === 99_999),
    ).toBeDefined();
  });

  it('are filled once by the migration from the samples stored before it, as if kept all along', () => {
    const before = open(false);
    const samples = [...demoBatches({ series, from: t0, to: t0 + 3 * HOUR_MS, batchMs: HOUR_MS })];
    for (const batch of samples) before.samples.insertMany(batch);
    before.close();
    store = undefined;

    const migrated = open();
    expectRollupsMatchSamples(migrated);
    const filled = rollupRows(migrated.database.connection, 'sample_rollups_minute');
    migrated.close();
    store = undefined;

    temp.cleanup();
    temp = makeTempDir();
    const kept = open();
    const rollups = new SampleRollups(kept);
    for (const batch of samples) rollups.record(batch);
    expect(sameRollups(rollupRows(kept.database.connection, 'sample_rollups_minute'), filled)).toEqual({ equal: true });
  });

  it("are written in the samples' transaction: a batch the database refuses leaves neither", () => {
    const s = open();
    const rollups = new SampleRollups(s);
    rollups.record([{ pressId: 'press-1', signal: 'paper', at: t0, value: 50 }]);
    const broken: Sample[] = [
      { pressId: 'press-1', signal: 'paper', at: t0 + 1_000, value: 49 },
      { pressId: 'press-1', signal: 'paper', at: null as unknown as number, value: 48 },
    ];
    expect(() => rollups.record(broken)).toThrow(StoreError);
    expect(rollupRows(s.database.connection, 'sample_rollups_minute')).toMatchObject([{ start: t0, count: 1, min: 50, max: 50 }]);
    expectRollupsMatchSamples(s);
  });

  it("tell, after each commit, the oldest time written per series (what the history workers' caches forget)", () => {
    const s = open();
    const told: [number, number][][] = [];
    const rollups = new SampleRollups(s, { onStored: (oldest) => told.push([...oldest]) });
    rollups.record([
      { pressId: 'press-1', signal: 'paper', at: t0 + 5_000, value: 50 },
      { pressId: 'press-1', signal: 'paper', at: t0 + 1_000, value: 51 },
      { pressId: 'press-1', signal: 'speed', at: t0 + 3_000, value: 9_000 },
    ]);
    const ids = Object.fromEntries(
      (s.database.connection.prepare('SELECT signal, id FROM sample_series').all() as { signal: string; id: number }[]).map((r) => [r.signal, r.id]),
    );
    expect(told).toEqual([
      [
        [ids.paper, t0 + 1_000],
        [ids.speed, t0 + 3_000],
      ],
    ]);
  });

  it('retention drops minute rollups with the samples and keeps hour rollups longer', () => {
    const s = open();
    const rollups = new SampleRollups(s);
    for (const batch of demoBatches({ series, from: t0, to: t0 + 6 * HOUR_MS, batchMs: HOUR_MS })) rollups.record(batch);
    const cutoff = t0 + 3 * HOUR_MS + 10 * MINUTE_MS;
    const purged = rollups.purge({ minutesBefore: cutoff, hoursBefore: t0 });
    expect(purged.minutes).toBeGreaterThan(0);
    expect(purged.hours).toBe(0);
    const minutes = rollupRows(s.database.connection, 'sample_rollups_minute');
    expect(Math.min(...minutes.map((r) => r.start))).toBe(cutoff);
    expect(Math.min(...rollupRows(s.database.connection, 'sample_rollups_hour').map((r) => r.start))).toBe(Math.floor(t0 / HOUR_MS) * HOUR_MS);

    rollups.purge({ minutesBefore: cutoff, hoursBefore: t0 + 4 * HOUR_MS });
    expect(Math.min(...rollupRows(s.database.connection, 'sample_rollups_hour').map((r) => r.start))).toBe(Math.floor((t0 + 4 * HOUR_MS) / HOUR_MS) * HOUR_MS);
  });
});
