/**
 * The database and nothing else: open it (pragmas, busy timeouts), migrate it, classify its
 * errors, and queue machine writes it refuses. Repositories and migrations belong to the
 * feature that owns the tables (alarms/, supplies/, users/, presses/, recording/, notifications/).
 */
export { StoreError, isStoreError, type StoreErrorKind } from './errors.js';
export { openDatabase, type OpenDatabaseOptions, type StoreDatabase, type WriteTiming } from './database.js';
export { migrate, appliedMigrations, type Migration } from './migrate.js';
export { createDeferredWrites, type DeferredWrites } from './deferred-writes.js';
