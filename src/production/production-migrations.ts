import type { Migration } from '../store/migrate.js';

/**
 * The production feature's tables: jobs, downtime events, and the rollups reports read
 * (per press per calendar segment: an hour cut at shift, break and midnight boundaries).
 */
export const productionMigrations: Migration[] = [
  {
    id: 'production-001-jobs',
    sql: `
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL,                 -- the MIS job number
        press_id TEXT,
        name TEXT NOT NULL,
        customer TEXT,
        planned_good INTEGER,
        planned_make_ready_minutes REAL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done')),
        source TEXT NOT NULL CHECK (source IN ('operator', 'mis', 'detected')),
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        make_ready_from INTEGER,              -- start of the setup the job began with
        first_good_at INTEGER,
        make_ready_waste INTEGER NOT NULL DEFAULT 0,
        run_ms INTEGER NOT NULL DEFAULT 0,
        downtime_ms INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        good INTEGER NOT NULL DEFAULT 0,
        waste INTEGER NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX jobs_job_press ON jobs (job_id, COALESCE(press_id, ''));
      CREATE INDEX jobs_press_started ON jobs (press_id, started_at);
    `,
  },
  {
    id: 'production-002-downtime',
    sql: `
      CREATE TABLE downtime_events (
        id INTEGER PRIMARY KEY,
        press_id TEXT NOT NULL,
        from_at INTEGER NOT NULL,
        to_at INTEGER,                        -- null while it lasts
        state TEXT NOT NULL CHECK (state IN ('setup', 'idle', 'stopped', 'cleanup', 'offline')),
        job_id INTEGER,
        cause_code TEXT,
        cause_label TEXT,
        cause_category TEXT CHECK (cause_category IN ('planned', 'unplanned')),
        cause_source TEXT CHECK (cause_source IN ('plc', 'alarm', 'operator')),
        note TEXT
      );
      CREATE INDEX downtime_events_press_from ON downtime_events (press_id, from_at);
      CREATE INDEX downtime_events_open ON downtime_events (press_id) WHERE to_at IS NULL;
    `,
  },
  {
    id: 'production-003-rollups',
    sql: `
      CREATE TABLE production_rollups (
        press_id TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        day TEXT NOT NULL,                    -- local YYYY-MM-DD
        week TEXT NOT NULL,                   -- ISO week of the day, 2026-W49
        shift_name TEXT,
        shift_start INTEGER,
        shift_end INTEGER,
        planned INTEGER NOT NULL,             -- 1: shift time outside planned breaks
        production_ms INTEGER NOT NULL DEFAULT 0,
        setup_ms INTEGER NOT NULL DEFAULT 0,
        idle_ms INTEGER NOT NULL DEFAULT 0,
        stopped_ms INTEGER NOT NULL DEFAULT 0,
        cleanup_ms INTEGER NOT NULL DEFAULT 0,
        offline_ms INTEGER NOT NULL DEFAULT 0,
        planned_downtime_ms INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL DEFAULT 0,
        good INTEGER NOT NULL DEFAULT 0,
        waste INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (press_id, bucket_start)
      ) WITHOUT ROWID;
      CREATE INDEX production_rollups_start ON production_rollups (bucket_start);
      CREATE TABLE downtime_cause_rollups (
        press_id TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        cause_code TEXT NOT NULL,             -- '' for uncoded
        cause_label TEXT NOT NULL,
        cause_category TEXT NOT NULL,
        planned INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (press_id, bucket_start, cause_code)
      ) WITHOUT ROWID;
      CREATE INDEX downtime_cause_rollups_start ON downtime_cause_rollups (bucket_start);
    `,
  },
  {
    // A shift's downtime list and jobs of all presses, found by start time instead of scanning
    // a year of rows: events and jobs starting in the range, plus the one of each press that
    // began before it (see the repositories' list), plus the unfinished jobs.
    id: 'production-004-report-indexes',
    sql: `
      CREATE INDEX downtime_events_from ON downtime_events (from_at);
      CREATE INDEX jobs_begin ON jobs (COALESCE(started_at, created_at));
      CREATE INDEX jobs_unfinished ON jobs (press_id) WHERE finished_at IS NULL;
    `,
  },
];
