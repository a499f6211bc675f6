import { StoreError } from './errors.js';
import type { StoreDatabase } from './database.js';

/**
 * One schema change. `id` is recorded in `schema_migrations` once applied and must never change
 * or be reused; a migration already shipped is never edited, a new one is added instead.
 * Convention: `<set>-<nnn>-<what>`, e.g. `core-001-samples`, `alarms-001-alarms`.
 */
export interface Migration {
  id: string;
  sql: string;
}

export interface MigrateOptions {
  /** Timestamp written as applied_at (ms since epoch); injected for tests. */
  now?: () => number;
}

/** A rowid table on purpose: rowid keeps the order in which migrations were applied. */
const CREATE_LEDGER = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`;

/**
 * Apply, in the order given, every migration whose id is not yet in `schema_migrations`.
 * Each one runs with its ledger row in one durable transaction, so a crash leaves it either
 * fully applied and recorded or not at all; running again applies nothing new.
 * Ids in the ledger but absent from `migrations` are left alone: other sets own them.
 * Returns the ids applied by this call.
 */
export function migrate(db: StoreDatabase, migrations: readonly Migration[], options: MigrateOptions = {}): string[] {
  const now = options.now ?? Date.now;
  const seen = new Set<string>();
  for (const migration of migrations) {
    if (seen.has(migration.id)) {
      throw new StoreError('sql', `migration id "${migration.id}" appears twice`, { operation: 'migrate', path: db.path });
    }
    seen.add(migration.id);
  }

  db.durableWrite('create schema_migrations', () => db.connection.exec(CREATE_LEDGER));
  const isApplied = db.connection.prepare<[string], 1>('SELECT 1 FROM schema_migrations WHERE id = ?').pluck();
  const record = db.connection.prepare<[string, number]>('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');

  const applied: string[] = [];
  for (const migration of migrations) {
    if (db.run('read schema_migrations', () => isApplied.get(migration.id)) !== undefined) continue;
    db.durableWrite(`migrate ${migration.id}`, () => {
      db.connection.exec(migration.sql);
      record.run(migration.id, now());
    });
    applied.push(migration.id);
    db.logger.info({ migration: migration.id, path: db.path }, 'migration applied');
  }
  return applied;
}

/** Ids in the ledger, in the order they were applied. */
export function appliedMigrations(db: StoreDatabase): string[] {
  return db.run('read schema_migrations', () => db.connection.prepare<[], string>('SELECT id FROM schema_migrations ORDER BY applied_at, rowid').pluck().all());
}
