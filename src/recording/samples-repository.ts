import type { Quality } from '../model/press-snapshot.js';
import { qualities } from '../model/vocabulary.js';
import type { StoreDatabase } from '../store/database.js';
import { HistoryReader, type HistoryQuery, type SampleHistory } from './samples-history.js';

export type { HistoryQuery, SampleBucket, SampleHistory, SamplePoint } from './samples-history.js';

/**
 * One recorded reading of one signal of one press. Signal names are dotted paths:
 * `speed`, `counter.total`, `counter.good`, `counter.waste`, `ink.1` … `ink.n`, `paper`,
 * `level.fountain`. Only readings the sample filter lets through are stored.
 */
export interface Sample {
  pressId: string;
  signal: string;
  /** When the value was read (ms since epoch). */
  at: number;
  /** Null when the reading had no value (quality bad). */
  value: number | null;
  /** Defaults to 'good'. */
  quality?: Quality;
}

/** Where a stored sample went: its series row and time, for summaries kept beside the samples. */
export interface StoredSampleKey {
  seriesId: number;
  at: number;
}

export interface InsertSamplesOptions {
  /**
   * Runs inside the insert's transaction, after the rows are written, with where each went:
   * what it writes commits or rolls back with the samples (the recorder's rollups).
   */
  alsoInTransaction?: (stored: readonly StoredSampleKey[]) => void;
}

/** How quality is stored (an integer 0 costs no bytes in an SQLite record). */

export class SamplesRepository {
  /** Series ids by `${pressId}\u0000${signal}`; series are never deleted, so entries stay valid. */
  private readonly seriesIds = new Map<string, number>();
  private readonly insertSeries;
  private readonly selectSeries;
  private readonly insertSample;
  private readonly selectAllSeries;
  private readonly deleteBefore;
  private readonly historyReader;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insertSeries = c.prepare<[string, string]>('INSERT INTO sample_series (press_id, signal) VALUES (?, ?) ON CONFLICT (press_id, signal) DO NOTHING');
    this.selectSeries = c.prepare<[string, string], number>('SELECT id FROM sample_series WHERE press_id = ? AND signal = ?').pluck();
    // Two readings of one signal in the same millisecond: the later one wins.
    this.insertSample = c.prepare<[number, number, number | null, number]>(
      `INSERT INTO samples (series_id, at, value, quality) VALUES (?, ?, ?, ?)
       ON CONFLICT (series_id, at) DO UPDATE SET value = excluded.value, quality = excluded.quality`,
    );
    this.historyReader = new HistoryReader(c);
    this.selectAllSeries = c.prepare<[], number>('SELECT id FROM sample_series').pluck();
    // Per series, delete everything before the last sample older than the cutoff: that one
    // sample is the value in force when the kept window starts (change-based recording stores
    // nothing while a value holds still), so a trend drawn from the cutoff starts at a value.
    this.deleteBefore = c.prepare<{ seriesId: number; cutoff: number }>(`
      DELETE FROM samples WHERE series_id = :seriesId AND at < (
        SELECT max(at) FROM samples WHERE series_id = :seriesId AND at < :cutoff
      )`);
  }

  /** Store many samples in one transaction (one WAL append). Returns the number stored. */
  insertMany(samples: readonly Sample[], options: InsertSamplesOptions = {}): number {
    if (samples.length === 0) return 0;
    const created = new Map<string, number>();
    const { alsoInTransaction } = options;
    this.db.write(`insert ${samples.length} samples`, () => {
      const stored: StoredSampleKey[] = [];
      for (const sample of samples) {
        const seriesId = this.seriesId(sample.pressId, sample.signal, created);
        this.insertSample.run(seriesId, sample.at, sample.value, qualities.indexOf(sample.quality ?? 'good'));
        if (alsoInTransaction) stored.push({ seriesId, at: sample.at });
      }
      alsoInTransaction?.(stored);
    });
    // Only after the commit: a rolled-back transaction also rolled back the new series rows.
    for (const [key, id] of created) this.seriesIds.set(key, id);
    return samples.length;
  }

  insert(sample: Sample): void {
    this.insertMany([sample]);
  }

  /**
   * The samples of one signal with from <= at <= to: raw points when there are at most
   * `maxPoints`, otherwise at most `maxPoints` time buckets (avg, min, max, first, last).
   */
  history(query: HistoryQuery): SampleHistory {
    const seriesId = this.knownSeriesId(query.pressId, query.signal);
    return this.db.run(`read history of ${query.pressId}/${query.signal}`, () => this.historyReader.read(seriesId, query));
  }

  /**
   * Delete samples older than `cutoff` (ms since epoch), keeping per series the last one before
   * it. Each series is its own short transaction so live inserts are not held up for long.
   */
  purgeOlderThan(cutoff: number): number {
    const seriesIds = this.db.run('list sample series', () => this.selectAllSeries.all());
    let deleted = 0;
    for (const seriesId of seriesIds) {
      deleted += this.db.write('purge samples', () => this.deleteBefore.run({ seriesId, cutoff }).changes);
    }
    return deleted;
  }

  private seriesId(pressId: string, signal: string, created: Map<string, number>): number {
    const key = `${pressId}\u0000${signal}`;
    const cached = this.seriesIds.get(key) ?? created.get(key);
    if (cached !== undefined) return cached;
    this.insertSeries.run(pressId, signal);
    const id = this.selectSeries.get(pressId, signal);
    if (id === undefined) throw new Error(`sample series ${pressId}/${signal} vanished after insert`);
    created.set(key, id);
    return id;
  }

  private knownSeriesId(pressId: string, signal: string): number | null {
    const key = `${pressId}\u0000${signal}`;
    const cached = this.seriesIds.get(key);
    if (cached !== undefined) return cached;
    const id = this.db.run('read sample series', () => this.selectSeries.get(pressId, signal));
    if (id === undefined) return null;
    this.seriesIds.set(key, id);
    return id;
  }
}
