/**
 * Keeps the per-minute and per-hour rollups (recordingMigrations) in step with the samples.
 *
 * Each minute a batch touched is recomputed from its samples, and each hour from its minutes,
 * rather than adding the batch's figures to the stored ones: a recomputed rollup is exact
 * whatever happened before (a sample replaced by one with the same timestamp, samples of one
 * minute arriving in two batches, a clock set back), and costs a few dozen rows per series
 * and batch, read through the primary key.
 */
import type { StoreDatabase } from '../store/database.js';
import type { Sample, SamplesRepository, StoredSampleKey } from './samples-repository.js';

/** The samples and the database they live in: rollups are written in the samples' own transaction. */
export interface RollupStore {
  readonly database: StoreDatabase;
  readonly samples: SamplesRepository;
}
import { HOUR_MS, MINUTE_MS } from './rollup-migrations.js';

export interface RollupPurgeResult {
  minutes: number;
  hours: number;
}

export interface SampleRollupsOptions {
  /** After each commit: per series id, the oldest sample time written (caches of buckets listen). */
  onStored?: (oldestBySeries: ReadonlyMap<number, number>) => void;
}

export class SampleRollups {
  private readonly refreshMinute;
  private readonly refreshHour;
  private readonly deleteMinutesBefore;
  private readonly deleteHoursBefore;

  constructor(
    private readonly store: RollupStore,
    private readonly options: SampleRollupsOptions = {},
  ) {
    const c = store.database.connection;
    this.refreshMinute = c.prepare<{ seriesId: number; start: number }>(`
      INSERT OR REPLACE INTO sample_rollups_minute (series_id, start, count, valued, sum, min, max, worst)
      SELECT :seriesId, :start, count(*), count(value), sum(value), min(value), max(value), max(quality)
      FROM samples WHERE series_id = :seriesId AND at >= :start AND at < :start + ${MINUTE_MS}
      HAVING count(*) > 0`);
    this.refreshHour = c.prepare<{ seriesId: number; start: number }>(`
      INSERT OR REPLACE INTO sample_rollups_hour (series_id, start, count, valued, sum, min, max, worst)
      SELECT :seriesId, :start, sum(count), sum(valued), sum(sum), min(min), max(max), max(worst)
      FROM sample_rollups_minute WHERE series_id = :seriesId AND start >= :start AND start < :start + ${HOUR_MS}
      HAVING count(*) > 0`);
    this.deleteMinutesBefore = c.prepare<[number]>('DELETE FROM sample_rollups_minute WHERE start < ?');
    this.deleteHoursBefore = c.prepare<[number]>('DELETE FROM sample_rollups_hour WHERE start < ?');
  }

  /**
   * Store samples and bring their rollups up to date, in one transaction: a trend never shows a
   * rollup without its samples or the other way round.
   */
  record(samples: readonly Sample[]): number {
    const oldest = new Map<number, number>();
    const count = this.store.samples.insertMany(samples, {
      alsoInTransaction: (stored) => {
        this.refresh(stored);
        for (const { seriesId, at } of stored) oldest.set(seriesId, Math.min(at, oldest.get(seriesId) ?? at));
      },
    });
    this.options.onStored?.(oldest);
    return count;
  }

  /** Recompute the rollups of the minutes and hours these samples fall in; call inside their transaction. */
  refresh(stored: readonly StoredSampleKey[]): void {
    const minutes = new Map<number, Set<number>>();
    for (const { seriesId, at } of stored) {
      let ofSeries = minutes.get(seriesId);
      if (!ofSeries) minutes.set(seriesId, (ofSeries = new Set()));
      ofSeries.add(floorTo(at, MINUTE_MS));
    }
    for (const [seriesId, starts] of minutes) {
      const hours = new Set<number>();
      for (const start of starts) {
        this.refreshMinute.run({ seriesId, start });
        hours.add(floorTo(start, HOUR_MS));
      }
      for (const start of hours) this.refreshHour.run({ seriesId, start });
    }
  }

  /**
   * Retention: minute rollups go with the samples (`minutesBefore`, the samples' cutoff); hour
   * rollups may be kept longer (`hoursBefore`), so a trend over a year still has a line after
   * the samples behind it are gone.
   */
  purge(cutoffs: { minutesBefore: number; hoursBefore: number }): RollupPurgeResult {
    const db = this.store.database;
    return {
      minutes: db.write('purge minute rollups', () => this.deleteMinutesBefore.run(floorTo(cutoffs.minutesBefore, MINUTE_MS)).changes),
      hours: db.write('purge hour rollups', () => this.deleteHoursBefore.run(floorTo(cutoffs.hoursBefore, HOUR_MS)).changes),
    };
  }
}

/** The start of the whole minute or hour (UTC) that holds `value`, as the migration's SQL computes it. */
export function floorTo(value: number, unit: number): number {
  return Math.floor(value / unit) * unit;
}
