/**
 * Recomputes, straight from the samples table, what each rollup row must hold, so tests can
 * say "every rollup equals its samples" without trusting the code under test.
 */
import type Database from 'better-sqlite3';

export interface RollupRow {
  seriesId: number;
  start: number;
  count: number;
  valued: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  worst: number;
}

export function rollupRows(connection: Database.Database, table: 'sample_rollups_minute' | 'sample_rollups_hour'): RollupRow[] {
  return connection
    .prepare(`SELECT series_id AS seriesId, start, count, valued, sum, min, max, worst FROM ${table} ORDER BY series_id, start`)
    .all() as RollupRow[];
}

/** The rollups the samples imply, in JavaScript (not SQL), per unit of `unitMs`. */
export function expectedRollups(connection: Database.Database, unitMs: number): RollupRow[] {
  const samples = connection.prepare('SELECT series_id AS seriesId, at, value, quality FROM samples ORDER BY series_id, at').all() as {
    seriesId: number;
    at: number;
    value: number | null;
    quality: number;
  }[];
  const rows: RollupRow[] = [];
  let current: RollupRow | undefined;
  for (const sample of samples) {
    const start = Math.floor(sample.at / unitMs) * unitMs;
    if (!current || current.seriesId !== sample.seriesId || current.start !== start) {
      current = { seriesId: sample.seriesId, start, count: 0, valued: 0, sum: null, min: null, max: null, worst: 0 };
      rows.push(current);
    }
    current.count += 1;
    current.worst = Math.max(current.worst, sample.quality);
    if (sample.value === null) continue;
    current.valued += 1;
    current.sum = (current.sum ?? 0) + sample.value;
    current.min = current.min === null ? sample.value : Math.min(current.min, sample.value);
    current.max = current.max === null ? sample.value : Math.max(current.max, sample.value);
  }
  return rows;
}

/** Compares with sums to 9 significant digits (SQLite and JavaScript add in different orders). */
export function sameRollups(actual: RollupRow[], expected: RollupRow[]): { equal: boolean; firstDifference?: unknown } {
  if (actual.length !== expected.length) return { equal: false, firstDifference: { actualRows: actual.length, expectedRows: expected.length } };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const sumsMatch = a.sum === null || e.sum === null ? a.sum === e.sum : Math.abs(a.sum - e.sum) <= 1e-9 * Math.max(1, Math.abs(e.sum));
    if (
      a.seriesId !== e.seriesId ||
      a.start !== e.start ||
      a.count !== e.count ||
      a.valued !== e.valued ||
      a.min !== e.min ||
      a.max !== e.max ||
      a.worst !== e.worst ||
      !sumsMatch
    ) {
      return { equal: false, firstDifference: { actual: a, expected: e } };
    }
  }
  return { equal: true };
}
