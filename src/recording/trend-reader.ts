/**
 * Answers a trend query (the history route) with bounded work, from the finest data that fits:
 *
 * - raw samples, when the range holds at most `maxPoints` of them (read with LIMIT maxPoints + 1);
 * - buckets computed from the samples, when one point a minute would be coarser than asked
 *   (the range spans at most `maxPoints` minutes) and the range holds at most RAW_ROWS_BUDGET
 *   samples (counted from the minute rollups first, and enforced with a LIMIT);
 * - buckets of whole minutes from the minute rollups, when the range spans at most
 *   MINUTE_ROWS_BUDGET minutes (about 34 days) and one point an hour would be coarser than asked;
 * - buckets of whole hours from the hour rollups otherwise, or where the minute rollups no
 *   longer reach back (they are purged with the samples; hours are kept longer).
 *
 * So one query reads at most RAW_ROWS_BUDGET + maxPoints + 1 samples, or MINUTE_ROWS_BUDGET
 * minute rows, or the hour rows kept for the series (8,760 a year), plus one key probe for the
 * value in force before the range.
 *
 * Buckets from samples start at `from` (as before rollups existed). Buckets from rollups are
 * whole multiples of their width since the epoch, so a chart refreshed a minute later gets the
 * same buckets, not a re-cut with wiggling values; the first one starts at or before `from`
 * and holds everything recorded in it, the last one holds `to`. Buckets without samples are
 * left out, as with raw data.
 *
 * Rollup buckets already computed come from a TrendBucketCache (the caller tells it of new
 * samples), so a trend refreshed by a wall screen reads only its newest buckets.
 *
 * The answer is the route's JSON text (a HistoryBody), made here so the event loop only sends it.
 * Synchronous (better-sqlite3): run it where blocking does not matter, in the history worker.
 */
import type Database from 'better-sqlite3';
import type { HistoryPoint, HistoryQuery } from '../http/ports.js';
import { HOUR_MS, MINUTE_MS } from './rollup-migrations.js';
import { floorTo } from './sample-rollups.js';
import { TrendBucketCache, type BucketRow, type CachedBucket } from './trend-bucket-cache.js';

/** Most samples bucketed in one query; a range with more is drawn from minute rollups. */
export const RAW_ROWS_BUDGET = 50_000;
/** Most minute rows one query reads: 34.7 days. Longer ranges are drawn from hour rollups. */
export const MINUTE_ROWS_BUDGET = 50_000;

export type TrendSource = 'raw' | 'raw-buckets' | 'minute' | 'hour';

export interface TrendAnswer {
  /** The JSON text of a HistoryBody: the query echoed, downsampled, bucketMs, previous, points. */
  body: string;
  source: TrendSource;
  /** The most rows this answer can have read (samples, or rollup rows in the range): the bound kept. */
  rowsRead: number;
}

type Level = 'minute' | 'hour';
interface PointRow {
  at: number;
  value: number | null;
  quality: number;
}
interface Header {
  downsampled: boolean;
  bucketMs?: number;
  previous: HistoryPoint | null;
}

const QUALITIES: readonly HistoryPoint['quality'][] = ['good', 'stale', 'bad'];
const UNIT_MS: Record<Level, number> = { minute: MINUTE_MS, hour: HOUR_MS };

export class TrendReader {
  private readonly selectSeries;
  private readonly selectPrevious;
  private readonly selectRaw;
  private readonly selectRawBuckets;
  private readonly countInMinutes;
  private readonly selectRollups: Record<Level, Database.Statement<{ seriesId: number; first: number; to: number; width: number }, BucketRow>>;
  private readonly selectEarliest: Record<Level, Database.Statement<[number], number | null>>;

  constructor(
    connection: Database.Database,
    readonly cache = new TrendBucketCache(),
  ) {
    this.selectSeries = connection.prepare<[string, string], number>('SELECT id FROM sample_series WHERE press_id = ? AND signal = ?').pluck();
    this.selectPrevious = connection.prepare<[number, number], PointRow>(
      'SELECT at, value, quality FROM samples WHERE series_id = ? AND at < ? ORDER BY at DESC LIMIT 1',
    );
    this.selectRaw = connection.prepare<[number, number, number, number], PointRow>(
      'SELECT at, value, quality FROM samples WHERE series_id = ? AND at BETWEEN ? AND ? ORDER BY at LIMIT ?',
    );
    // CAST: better-sqlite3 binds numbers as REAL, and REAL division would not cut buckets.
    this.selectRawBuckets = connection
      .prepare<{ seriesId: number; from: number; to: number; width: number; limit: number }, BucketRow>(
        `
      SELECT :from + CAST((at - :from) / :width AS INTEGER) * :width AS bucket,
             count(*), count(value), sum(value), min(value), max(value), max(quality)
      FROM (SELECT at, value, quality FROM samples WHERE series_id = :seriesId AND at BETWEEN :from AND :to LIMIT :limit)
      GROUP BY bucket ORDER BY bucket`,
      )
      .raw();
    this.countInMinutes = connection
      .prepare<[number, number, number], number | null>('SELECT sum(count) FROM sample_rollups_minute WHERE series_id = ? AND start BETWEEN ? AND ?')
      .pluck();
    const rollups = (table: string) =>
      connection
        .prepare<{ seriesId: number; first: number; to: number; width: number }, BucketRow>(
          `
        SELECT CAST(start / :width AS INTEGER) * :width AS bucket,
               sum(count), sum(valued), sum(sum), min(min), max(max), max(worst)
        FROM ${table} WHERE series_id = :seriesId AND start BETWEEN :first AND :to
        GROUP BY bucket ORDER BY bucket`,
        )
        .raw();
    const earliest = (table: string) => connection.prepare<[number], number | null>(`SELECT min(start) FROM ${table} WHERE series_id = ?`).pluck();
    this.selectRollups = { minute: rollups('sample_rollups_minute'), hour: rollups('sample_rollups_hour') };
    this.selectEarliest = { minute: earliest('sample_rollups_minute'), hour: earliest('sample_rollups_hour') };
  }

  read(query: HistoryQuery): TrendAnswer {
    const { from, to, maxPoints } = query;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from || !Number.isSafeInteger(maxPoints) || maxPoints < 1) {
      throw new RangeError(`trend query needs integer ms with from <= to and maxPoints >= 1, got from=${from} to=${to} maxPoints=${maxPoints}`);
    }
    const seriesId = this.selectSeries.get(query.pressId, query.signal);
    if (seriesId === undefined) return { body: bodyOf(query, { downsampled: false, previous: null }, []), source: 'raw', rowsRead: 0 };

    const previousRow = this.selectPrevious.get(seriesId, from);
    const previous = previousRow ? toPoint(previousRow) : null;
    if (to - from + 1 <= maxPoints * MINUTE_MS) {
      const fromSamples = this.fromSamples(seriesId, query, previous);
      if (fromSamples) return fromSamples;
    }
    const level = this.levelFor(seriesId, query);
    return this.fromRollups(seriesId, level, query, previous);
  }

  /** Raw points or buckets cut from the samples; undefined when the range holds too many. */
  private fromSamples(seriesId: number, query: HistoryQuery, previous: HistoryPoint | null): TrendAnswer | undefined {
    const { from, to, maxPoints } = query;
    const estimate = this.countInMinutes.get(seriesId, floorTo(from, MINUTE_MS), to) ?? 0;
    if (estimate > RAW_ROWS_BUDGET) return undefined;
    const raw = this.selectRaw.all(seriesId, from, to, maxPoints + 1);
    if (raw.length <= maxPoints)
      return {
        body: bodyOf(
          query,
          { downsampled: false, previous },
          raw.map((row) => JSON.stringify(toPoint(row))),
        ),
        source: 'raw',
        rowsRead: raw.length,
      };
    const width = Math.ceil((to - from + 1) / maxPoints);
    const rows = this.selectRawBuckets.all({ seriesId, from, to, width, limit: RAW_ROWS_BUDGET + 1 });
    const read = rows.reduce((sum, row) => sum + row[1], 0);
    // More than the rollups said (samples stored without them): the LIMIT cut the range short.
    if (read > RAW_ROWS_BUDGET) return undefined;
    const points = rows.map((row) => JSON.stringify(toBucketPoint(row)));
    return { body: bodyOf(query, { downsampled: true, bucketMs: width, previous }, points), source: 'raw-buckets', rowsRead: raw.length + read };
  }

  private levelFor(seriesId: number, { from, to, maxPoints }: HistoryQuery): Level {
    const minutes = Math.floor(to / MINUTE_MS) - Math.floor(from / MINUTE_MS) + 1;
    if ((to - from + 1) / maxPoints >= HOUR_MS || minutes > MINUTE_ROWS_BUDGET) return 'hour';
    // Minute rollups are purged with the samples, hour rollups kept longer: when the range
    // reaches back past the minutes, hours draw all of it rather than part of it.
    const firstMinute = this.selectEarliest.minute.get(seriesId) ?? null;
    if (firstMinute === null || firstMinute <= from) return 'minute';
    const firstHour = this.selectEarliest.hour.get(seriesId) ?? null;
    return firstHour !== null && firstHour < floorTo(firstMinute, HOUR_MS) ? 'hour' : 'minute';
  }

  private fromRollups(seriesId: number, level: Level, query: HistoryQuery, previous: HistoryPoint | null): TrendAnswer {
    const { from, to, maxPoints } = query;
    const unit = UNIT_MS[level];
    let width = Math.ceil((floorTo(to, unit) - floorTo(from, unit) + unit) / unit / maxPoints) * unit;
    // Buckets on the epoch's grid: one more may be cut than on `from`'s.
    while (Math.floor(to / width) - Math.floor(from / width) + 1 > maxPoints) width += unit;
    const first = floorTo(from, width);
    const last = floorTo(to, width);
    const key = { seriesId, level, width };
    const cached = this.cache.lookup(key, first);
    const fresh = this.selectRollups[level]
      .all({ seriesId, first: cached.knownTo, to, width })
      .map((row): CachedBucket => ({ row, json: JSON.stringify(toBucketPoint(row)) }));
    const buckets = cached.buckets.length > 0 ? [...cached.buckets, ...fresh] : fresh;
    this.cache.store(key, first, last, buckets);
    const rowsRead = (floorTo(to, unit) - cached.knownTo) / unit + 1;
    return {
      body: bodyOf(
        query,
        { downsampled: true, bucketMs: width, previous },
        buckets.map((b) => b.json),
      ),
      source: level,
      rowsRead,
    };
  }
}

/** The route's JSON from the points' JSON texts; key order as the route always had. */
function bodyOf(query: HistoryQuery, header: Header, points: readonly string[]): string {
  const head = JSON.stringify({ pressId: query.pressId, signal: query.signal, from: query.from, to: query.to, ...header });
  return `${head.slice(0, -1)},"points":[${points.join(',')}]}`;
}

function toBucketPoint(row: BucketRow): HistoryPoint {
  const [at, count, valued, sum, min, max, worst] = row;
  return { at, value: valued > 0 && sum !== null ? sum / valued : null, quality: qualityOf(worst), min, max, count };
}

function toPoint(row: PointRow): HistoryPoint {
  return { at: row.at, value: row.value, quality: qualityOf(row.quality) };
}

function qualityOf(code: number): HistoryPoint['quality'] {
  return QUALITIES[code] ?? 'bad';
}
