import type { Migration } from '../store/migrate.js';

/**
 * The alarm tables: `alarm_instances` holds one row per alarm occurrence (raise → normal),
 * upserted on every change, so the alarm list survives a restart and old occurrences stay
 * queryable; `alarm_journal` is append-only, one row per raise, clear, ack, shelve, …
 */
export const alarmMigrations: Migration[] = [
  {
    id: 'alarms-001-instances-journal',
    sql: `
      CREATE TABLE alarm_instances (
        id TEXT PRIMARY KEY,
        press_id TEXT NOT NULL,
        code TEXT NOT NULL,
        label TEXT NOT NULL,
        priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
        state TEXT NOT NULL CHECK (state IN ('unack-active', 'acked-active', 'unack-cleared', 'normal')),
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        acknowledged INTEGER NOT NULL CHECK (acknowledged IN (0, 1)),
        raised_at INTEGER NOT NULL,       -- ms since epoch
        cleared_at INTEGER,
        acked_at INTEGER,
        acked_by TEXT,
        ack_note TEXT,
        shelved_until INTEGER,
        shelved_by TEXT,
        shelve_reason TEXT,
        suppressed INTEGER NOT NULL CHECK (suppressed IN (0, 1)),
        chatter_count INTEGER NOT NULL,
        chattering INTEGER NOT NULL CHECK (chattering IN (0, 1)),
        stop_reason TEXT,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- The alarm list (everything not normal) is read at every start: keep it in a small index.
      CREATE INDEX alarm_instances_listed ON alarm_instances (raised_at) WHERE state <> 'normal';
      CREATE INDEX alarm_instances_raised ON alarm_instances (raised_at);
      CREATE INDEX alarm_instances_press_raised ON alarm_instances (press_id, raised_at);

      CREATE TABLE alarm_journal (
        seq INTEGER PRIMARY KEY,          -- insertion order: ties in 'at' keep their order
        alarm_id TEXT NOT NULL,
        press_id TEXT NOT NULL,
        code TEXT NOT NULL,
        action TEXT NOT NULL,             -- JournalAction; no CHECK so new actions need no migration
        at INTEGER NOT NULL,              -- ms since epoch
        user_name TEXT,
        note TEXT,
        priority TEXT NOT NULL
      );
      CREATE INDEX alarm_journal_at ON alarm_journal (at);
      CREATE INDEX alarm_journal_alarm ON alarm_journal (alarm_id);
      CREATE INDEX alarm_journal_press_at ON alarm_journal (press_id, at);
    `,
  },
];
