import type { Migration } from '../store/migrate.js';
import { rollupMigrations } from './rollup-migrations.js';

/** Recorded samples (trends) and their minute and hour rollups. The samples' id keeps its `core-` prefix from when the store owned it: a shipped id never changes. */
export const recordingMigrations: Migration[] = [
  {
    id: 'core-002-samples',
    // Series are named once in sample_series, so a sample row is only (series, at, value, quality):
    // about 12-20 bytes on disk instead of repeating the press id and signal name per row.
    // samples is WITHOUT ROWID with primary key (series_id, at): the table IS the
    // (press, signal, at) index, rows of one series are contiguous, and no second index is kept.
    sql: `
      CREATE TABLE sample_series (
        id INTEGER PRIMARY KEY,
        press_id TEXT NOT NULL,
        signal TEXT NOT NULL,
        UNIQUE (press_id, signal)
      );
      CREATE TABLE samples (
        series_id INTEGER NOT NULL REFERENCES sample_series (id),
        at INTEGER NOT NULL,           -- ms since epoch
        value REAL,                    -- null when the reading had no value (bad quality)
        quality INTEGER NOT NULL DEFAULT 0 CHECK (quality IN (0, 1, 2)), -- 0 good, 1 stale, 2 bad
        PRIMARY KEY (series_id, at)
      ) WITHOUT ROWID;
    `,
  },
  ...rollupMigrations,
];
