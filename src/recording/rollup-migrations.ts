import type { Migration } from '../store/migrate.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** The summary columns of one rollup row; `${table}` is filled in below. */
const rollupTable = (table: string, unit: string) => `
  CREATE TABLE ${table} (
    series_id INTEGER NOT NULL REFERENCES sample_series (id),
    start INTEGER NOT NULL,        -- ms since epoch, a whole ${unit} (UTC)
    count INTEGER NOT NULL,        -- samples recorded in the ${unit}
    valued INTEGER NOT NULL,       -- of which had a value (avg = sum / valued)
    sum REAL,                      -- of the values; null when none had one
    min REAL,
    max REAL,
    worst INTEGER NOT NULL,        -- worst quality: 0 good, 1 stale, 2 bad
    PRIMARY KEY (series_id, start)
  ) WITHOUT ROWID;`;

/**
 * Per-minute and per-hour summaries of the recorded samples, so a trend over weeks reads a few
 * thousand summary rows instead of millions of samples. Kept as samples arrive (SampleRollups,
 * in the samples' own transaction); this migration fills them once from the samples already
 * stored (about 1 s per million samples, at the first start after the upgrade).
 */
export const rollupMigrations: Migration[] = [
  {
    id: 'recording-001-sample-rollups',
    sql: `
      ${rollupTable('sample_rollups_minute', 'minute')}
      ${rollupTable('sample_rollups_hour', 'hour')}
      INSERT INTO sample_rollups_minute (series_id, start, count, valued, sum, min, max, worst)
        SELECT series_id, (at / ${MINUTE_MS}) * ${MINUTE_MS}, count(*), count(value), sum(value), min(value), max(value), max(quality)
        FROM samples GROUP BY series_id, at / ${MINUTE_MS};
      INSERT INTO sample_rollups_hour (series_id, start, count, valued, sum, min, max, worst)
        SELECT series_id, (start / ${HOUR_MS}) * ${HOUR_MS}, sum(count), sum(valued), sum(sum), min(min), max(max), max(worst)
        FROM sample_rollups_minute GROUP BY series_id, start / ${HOUR_MS};
    `,
  },
];
