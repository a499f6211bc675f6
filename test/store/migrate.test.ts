import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { StoreError } from '../../src/store/errors.js';
import { appliedMigrations, migrate, type Migration } from '../../src/store/migrate.js';
import { pressMigrations } from '../../src/presses/press-migrations.js';
import { recordingMigrations } from '../../src/recording/recording-migrations.js';
import { makeTempDir } from './temp-store.js';

let temp: ReturnType<typeof makeTempDir>;
let db: StoreDatabase | undefined;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  db?.close();
  db = undefined;
  temp.cleanup();
});

const supplies: Migration[] = [
  { id: 'supplies-001-log', sql: 'CREATE TABLE supply_log (client_id TEXT PRIMARY KEY, press_id TEXT NOT NULL)' },
  { id: 'supplies-002-note', sql: 'ALTER TABLE supply_log ADD COLUMN note TEXT' },
];

function tables(database: StoreDatabase): string[] {
  return database.connection.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
}

describe('migrate', () => {
  it('applies pending migrations in the order given and records each once', () => {
    db = openDatabase({ dataDir: temp.dir });
    expect(migrate(db, supplies, { now: () => 1_700_000_000_000 })).toEqual(['supplies-001-log', 'supplies-002-note']);
    expect(appliedMigrations(db)).toEqual(['supplies-001-log', 'supplies-002-note']);
    const columns = db.connection.prepare<[], string>("SELECT name FROM pragma_table_info('supply_log')").pluck().all();
    expect(columns).toEqual(['client_id', 'press_id', 'note']);
    expect(db.connection.prepare('SELECT applied_at FROM schema_migrations').pluck().all()).toEqual([1_700_000_000_000, 1_700_000_000_000]);
  });

  it('is idempotent, also across close and reopen, and applies only what was added since', () => {
    db = openDatabase({ dataDir: temp.dir });
    migrate(db, supplies.slice(0, 1));
    expect(migrate(db, supplies.slice(0, 1))).toEqual([]);
    db.close();

    db = openDatabase({ dataDir: temp.dir });
    // Would fail with "table supply_log already exists" if the first one ran again.
    expect(migrate(db, supplies)).toEqual(['supplies-002-note']);
    expect(migrate(db, supplies)).toEqual([]);
    expect(appliedMigrations(db)).toEqual(['supplies-001-log', 'supplies-002-note']);
  });

  it('rolls a failing migration back whole and records nothing for it', () => {
    db = openDatabase({ dataDir: temp.dir });
    const broken: Migration[] = [supplies[0]!, { id: 'supplies-002-broken', sql: 'CREATE TABLE half_done (x INTEGER); CREATE TABLE oops (' }];
    let caught: unknown;
    try {
      migrate(db, broken);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).kind).toBe('sql');
    expect((caught as StoreError).operation).toBe('migrate supplies-002-broken');
    expect(appliedMigrations(db)).toEqual(['supplies-001-log']);
    expect(tables(db)).not.toContain('half_done');
  });

  it('rejects a list with a duplicate id before applying anything', () => {
    db = openDatabase({ dataDir: temp.dir });
    expect(() => migrate(db!, [supplies[0]!, supplies[0]!])).toThrow(/appears twice/);
    expect(tables(db)).not.toContain('supply_log');
  });

  it('leaves ids it was not given alone (they belong to other sets)', () => {
    db = openDatabase({ dataDir: temp.dir });
    migrate(db, supplies);
    expect(migrate(db, pressMigrations)).toHaveLength(pressMigrations.length);
    expect(appliedMigrations(db)).toHaveLength(supplies.length + pressMigrations.length);
  });
});

describe('feature migration sets', () => {
  it('each applies once, in the order the features are created, across reopen', () => {
    const sets = [pressMigrations, recordingMigrations, supplies];
    const first = openDatabase({ dataDir: temp.dir });
    for (const set of sets) migrate(first, set);
    expect(appliedMigrations(first)).toEqual(sets.flat().map((m) => m.id));
    expect(tables(first)).toEqual(expect.arrayContaining(['run_state_transitions', 'sample_series', 'samples', 'press_counters', 'supply_log']));
    first.close();
    const again = openDatabase({ dataDir: temp.dir });
    for (const set of sets) expect(migrate(again, set)).toEqual([]);
    expect(appliedMigrations(again)).toHaveLength(sets.flat().length);
    again.close();
  });

  it('keep the ids shipped when the store owned them, so a database made before the move migrates nothing again', () => {
    const ids = [...pressMigrations, ...recordingMigrations].map((m) => m.id);
    expect(ids.filter((id) => id.startsWith('core-')).sort()).toEqual(['core-001-transitions', 'core-002-samples', 'core-003-press-counters']);
  });
});
