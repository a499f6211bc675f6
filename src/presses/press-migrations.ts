import type { Migration } from '../store/migrate.js';

/**
 * The store's own tables: run-state transitions, recorded samples, persisted counters.
 * Other sets (alarms, supplies, users) live beside this file, each in its own array.
 */
export const coreMigrations: Migration[] = [
  {
    id: 'core-001-transitions',
    sql: `
      CREATE TABLE run_state_transitions (
        id INTEGER PRIMARY KEY,
        press_id TEXT NOT NULL,
        at INTEGER NOT NULL,           -- ms since epoch
        state TEXT NOT NULL,           -- RunState
        reason TEXT,                   -- StopReason when stopped
        detail TEXT
      );
      CREATE INDEX run_state_transitions_press_at ON run_state_transitions (press_id, at);
    `,
  },
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
  {
    id: 'core-003-press-counters',
    sql: `
      CREATE TABLE press_counters (
        press_id TEXT PRIMARY KEY,
        total INTEGER NOT NULL CHECK (total >= 0),
        good INTEGER NOT NULL CHECK (good >= 0),
        waste INTEGER NOT NULL CHECK (waste >= 0),
        raw_total INTEGER,             -- last value read from the PLC, null before the first read
        raw_good INTEGER,
        raw_waste INTEGER,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
