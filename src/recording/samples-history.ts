import type Database from 'better-sqlite3';
import { qualities } from '../model/vocabulary.js';
import type { Quality } from '../model/press-snapshot.js';

export interface HistoryQuery {
  pressId: string;
  signal: string;
  /** Inclusive range, ms since epoch. */
  from: number;
  to: number;
  /** Most points (raw) or buckets returned; at least 1. */
  maxPoints: number;
}

export interface SamplePoint {
  at: number;
  value: number | null;
  quality: Quality;
}

/**
 * The samples recorded in [start, end). min and max are the extremes of the recorded values,
 * first and last the samples at the bucket's edges, so a downsampled line keeps peaks and steps.
 * avg is the mean of the recorded samples, not time-weighted: change-based recording stores more
 * samples while a value moves, so read avg as a hint and draw with min/max/first/last.
 */
export interface SampleBucket {
  start: number;
  end: number;
  count: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  first: SamplePoint;
  last: SamplePoint;
  /** The worst quality of any sample in the bucket. */
  quality: Quality;
}

interface HistoryBase {
  pressId: string;
  signal: string;
  from: number;
  to: number;
  /** The last sample before `from`: the value in force when the range starts. */
  previous: SamplePoint | null;
}

export type SampleHistory =
  (HistoryBase & { kind: 'raw'; points: SamplePoint[] }) | (HistoryBase & { kind: 'buckets'; bucketMs: number; buckets: SampleBucket[] });

interface PointRow {
  at: number;
  value: number | null;
  quality: number;
}
interface BucketRow {
  bucket: number;
  count: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  worst: number;
  firstAt: number;
  firstValue: number | null;
  firstQuality: number;
  lastAt: number;
  lastValue: number | null;
  lastQuality: number;
}

/** The prepared statements of history queries, made once per connection. */
export class HistoryReader {
  private readonly selectRaw;
  private readonly selectPrevious;
  private readonly selectBuckets;

  constructor(connection: Database.Database) {
    this.selectRaw = connection.prepare<{ seriesId: number; from: number; to: number; limit: number }, PointRow>(
      'SELECT at, value, quality FROM samples WHERE series_id = :seriesId AND at BETWEEN :from AND :to ORDER BY at LIMIT :limit',
    );
    this.selectPrevious = connection.prepare<{ seriesId: number; from: number }, PointRow>(
      'SELECT at, value, quality FROM samples WHERE series_id = :seriesId AND at < :from ORDER BY at DESC LIMIT 1',
    );
    // Buckets are fixed slices of width :width from :from. (series_id, at) is the primary key,
    // so the range scan is an index walk and the first/last lookups are exact key probes.
    this.selectBuckets = connection.prepare<{ seriesId: number; from: number; to: number; width: number }, BucketRow>(`
      WITH buckets AS (
        SELECT CAST((at - :from) / :width AS INTEGER) AS bucket,
               count(*) AS count, avg(value) AS avg, min(value) AS min, max(value) AS max,
               max(quality) AS worst, min(at) AS firstAt, max(at) AS lastAt
        FROM samples
        WHERE series_id = :seriesId AND at BETWEEN :from AND :to
        GROUP BY bucket
      )
      SELECT b.bucket, b.count, b.avg, b.min, b.max, b.worst,
             b.firstAt, f.value AS firstValue, f.quality AS firstQuality,
             b.lastAt, l.value AS lastValue, l.quality AS lastQuality
      FROM buckets AS b
      JOIN samples AS f ON f.series_id = :seriesId AND f.at = b.firstAt
      JOIN samples AS l ON l.series_id = :seriesId AND l.at = b.lastAt
      ORDER BY b.bucket`);
  }

  /** `seriesId` null: the signal was never recorded; the answer is an empty raw history. */
  read(seriesId: number | null, query: HistoryQuery): SampleHistory {
    checkQuery(query);
    const base = { pressId: query.pressId, signal: query.signal, from: query.from, to: query.to };
    if (seriesId === null) return { ...base, kind: 'raw', previous: null, points: [] };

    const { from, to, maxPoints } = query;
    const previousRow = this.selectPrevious.get({ seriesId, from });
    const previous = previousRow ? toPoint(previousRow) : null;
    // One more than allowed tells "few enough for raw" without counting the whole range.
    const raw = this.selectRaw.all({ seriesId, from, to, limit: maxPoints + 1 });
    if (raw.length <= maxPoints) return { ...base, kind: 'raw', previous, points: raw.map(toPoint) };

    const width = Math.ceil((to - from + 1) / maxPoints);
    const buckets = this.selectBuckets.all({ seriesId, from, to, width }).map((row): SampleBucket => {
      const start = from + row.bucket * width;
      return {
        start,
        end: Math.min(start + width, to + 1),
        count: row.count,
        avg: row.avg,
        min: row.min,
        max: row.max,
        first: { at: row.firstAt, value: row.firstValue, quality: qualityOf(row.firstQuality) },
        last: { at: row.lastAt, value: row.lastValue, quality: qualityOf(row.lastQuality) },
        quality: qualityOf(row.worst),
      };
    });
    return { ...base, kind: 'buckets', previous, bucketMs: width, buckets };
  }
}

function checkQuery(query: HistoryQuery): void {
  if (!Number.isSafeInteger(query.from) || !Number.isSafeInteger(query.to) || query.to < query.from) {
    throw new RangeError(`history range must be integer ms with from <= to, got from=${query.from} to=${query.to}`);
  }
  if (!Number.isSafeInteger(query.maxPoints) || query.maxPoints < 1) {
    throw new RangeError(`history maxPoints must be a positive integer, got ${query.maxPoints}`);
  }
}

function toPoint(row: PointRow): SamplePoint {
  return { at: row.at, value: row.value, quality: qualityOf(row.quality) };
}

function qualityOf(code: number): Quality {
  return qualities[code] ?? 'bad';
}
