import type { Migration } from '../store/migrate.js';

/**
 * Users, their sessions and the audit log. Audit rows keep the username as written at the
 * time and no foreign key, so an entry never changes or disappears when its user does.
 */
export const usersMigrations: Migration[] = [
  {
    id: 'users-001-users',
    sql: `
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        password_hash TEXT NOT NULL,     -- scrypt$N$r$p$salt$hash (base64url)
        pin_hash TEXT,                   -- same format; null when no PIN is set
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at INTEGER NOT NULL,     -- ms since epoch
        updated_at INTEGER NOT NULL,
        last_login_at INTEGER
      );
    `,
  },
  {
    id: 'users-002-sessions',
    // Only the SHA-256 of a token is kept: a copy of the database file signs nobody in.
    sql: `
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,     -- hex SHA-256 of the cookie value
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        method TEXT NOT NULL CHECK (method IN ('password', 'pin')),
        ip TEXT,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL      -- idle expiry, slides forward with use
      ) WITHOUT ROWID;
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_expires ON sessions (expires_at);
    `,
  },
  {
    id: 'users-003-audit-log',
    sql: `
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,             -- ms since epoch
        user_id INTEGER,                 -- null for the system
        username TEXT,
        action TEXT NOT NULL,            -- e.g. auth.login, user.create, supply.log
        target TEXT,                     -- e.g. user:7, supply:42
        ip TEXT,                         -- socket address, never X-Forwarded-For
        details TEXT                     -- JSON object or null
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE INDEX audit_log_action_at ON audit_log (action, at);
      CREATE INDEX audit_log_username_at ON audit_log (username COLLATE NOCASE, at);
    `,
  },
  {
    id: 'users-004-auth-keys',
    // Server secrets that sign things given to browsers (device cookies). Kept in the database
    // so a backup restores them with the users they belong to.
    sql: `
      CREATE TABLE auth_keys (
        name TEXT PRIMARY KEY,           -- e.g. device-cookie
        key BLOB NOT NULL,
        created_at INTEGER NOT NULL      -- ms since epoch
      ) WITHOUT ROWID;
    `,
  },
];
