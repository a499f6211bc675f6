import type { Migration } from '../store/migrate.js';

/**
 * The supply-replacement log. Entries are append-only: triggers refuse UPDATE and DELETE, so
 * a correction can only be a void (its own table, one per entry) plus a new entry. What does
 * change over an entry's life — the sensors' verdict — lives beside it in
 * supply_reconciliation.
 */
export const suppliesMigrations: Migration[] = [
  {
    id: 'supplies-001-entries',
    sql: `
      CREATE TABLE supply_entries (
        id INTEGER PRIMARY KEY,
        client_id TEXT NOT NULL UNIQUE,      -- client-generated: makes the POST idempotent
        press_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('ink', 'paper', 'plate', 'blanket', 'fountain-solution', 'other')),
        unit INTEGER,                        -- printing unit
        color TEXT,
        product TEXT,
        lot TEXT,
        quantity REAL NOT NULL CHECK (quantity > 0),
        uom TEXT NOT NULL,
        note TEXT,
        suggestion_id TEXT,                  -- the unlogged refill it completes
        replaces INTEGER REFERENCES supply_entries (id),
        at INTEGER NOT NULL,                 -- server time, ms since epoch
        user_id INTEGER,
        username TEXT,
        ip TEXT
      );
      CREATE INDEX supply_entries_at ON supply_entries (at);
      CREATE INDEX supply_entries_press_at ON supply_entries (press_id, at);
      CREATE TRIGGER supply_entries_no_update BEFORE UPDATE ON supply_entries
        BEGIN SELECT RAISE(ABORT, 'supply entries are never edited: void and replace instead'); END;
      CREATE TRIGGER supply_entries_no_delete BEFORE DELETE ON supply_entries
        BEGIN SELECT RAISE(ABORT, 'supply entries are never deleted: void them instead'); END;

      CREATE TABLE supply_voids (
        entry_id INTEGER PRIMARY KEY REFERENCES supply_entries (id),
        at INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        username TEXT NOT NULL,
        reason TEXT NOT NULL,
        replaced_by INTEGER REFERENCES supply_entries (id)
      );

      CREATE TABLE supply_reconciliation (
        entry_id INTEGER PRIMARY KEY REFERENCES supply_entries (id),
        status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'flagged', 'not-applicable')),
        at INTEGER,
        detail TEXT,
        level_from REAL,
        level_to REAL
      );
      CREATE INDEX supply_reconciliation_pending ON supply_reconciliation (status) WHERE status = 'pending';

      CREATE TABLE supply_suggestions (
        id TEXT PRIMARY KEY,
        press_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('ink', 'paper')),
        unit INTEGER,
        color TEXT,
        at INTEGER NOT NULL,
        level_from REAL NOT NULL,
        level_to REAL NOT NULL,
        resolved_by INTEGER REFERENCES supply_entries (id),
        resolved_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX supply_suggestions_open ON supply_suggestions (at) WHERE resolved_by IS NULL;
    `,
  },
  {
    // The tablet's time beside the server's: an entry queued offline for an hour was stored with
    // the hour it arrived, so it missed the refill it described. NULL in older rows: logged when
    // received. ADD COLUMN changes no row, so the no-update trigger does not fire.
    id: 'supplies-002-logged-at',
    sql: `
      ALTER TABLE supply_entries ADD COLUMN logged_at INTEGER;        -- the tablet's time, bounded; NULL = at
      CREATE INDEX supply_suggestions_channel ON supply_suggestions (press_id, kind, unit, at) WHERE resolved_by IS NULL;
    `,
  },
];
