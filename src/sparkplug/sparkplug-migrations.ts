import type { Migration } from '../store/migrate.js';

/**
 * Store and forward: DDATA the box could not publish (broker unreachable, primary host offline),
 * in the order seen; `id` is that order. `sparkplug_node` keeps the birth/death sequence number
 * (bdSeq) across restarts, so a host never sees the same bdSeq twice in a row from this box.
 */
export const sparkplugMigrations: Migration[] = [
  {
    id: 'sparkplug-001-outbox',
    sql: `
      CREATE TABLE sparkplug_outbox (
        id INTEGER PRIMARY KEY,
        press_id TEXT NOT NULL,
        at INTEGER NOT NULL,        -- ms since epoch: when the press showed these values
        metrics TEXT NOT NULL       -- JSON [[name, value], …], the changed metrics only
      );
      CREATE TABLE sparkplug_node (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
    `,
  },
];
