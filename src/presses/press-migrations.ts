import type { Migration } from '../store/migrate.js';

/**
 * The presses' tables: run-state transitions and persisted counters. The ids keep their
 * `core-` prefix from when the store owned them: a shipped id never changes.
 */
export const pressMigrations: Migration[] = [
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
