import type { Role } from '../model/user.js';
import type { StoreDatabase } from '../store/database.js';

/** A user as stored, hashes included: never leaves the users module. */
export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  pinHash: string | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

export interface NewUserRecord {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  pinHash: string | null;
  at: number;
}

export type UserRecordChanges = Partial<Pick<UserRecord, 'displayName' | 'role' | 'passwordHash' | 'pinHash' | 'disabled'>>;

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  pin_hash: string | null;
  disabled: 0 | 1;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

const COLUMNS = 'id, username, display_name, role, password_hash, pin_hash, disabled, created_at, updated_at, last_login_at';

/**
 * Users in SQLite. Writes use `db.write`, which nests as a savepoint: the users service wraps
 * each change and its audit entry in one durable transaction.
 */
export class UserRepository {
  private readonly insert;
  private readonly selectById;
  private readonly selectByName;
  private readonly selectAll;
  private readonly countAll;
  private readonly countActiveAdmins;
  private readonly updateLastLogin;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insert = c.prepare<[string, string, Role, string, string | null, number, number]>(
      'INSERT INTO users (username, display_name, role, password_hash, pin_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectById = c.prepare<[number], UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
    this.selectByName = c.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = ? COLLATE NOCASE`);
    this.selectAll = c.prepare<[], UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username COLLATE NOCASE`);
    this.countAll = c.prepare<[], number>('SELECT count(*) FROM users').pluck();
    this.countActiveAdmins = c.prepare<[], number>("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").pluck();
    this.updateLastLogin = c.prepare<[number, number]>('UPDATE users SET last_login_at = ? WHERE id = ?');
  }

  create(user: NewUserRecord): UserRecord {
    const result = this.db.write(`create user ${user.username}`, () =>
      this.insert.run(user.username, user.displayName, user.role, user.passwordHash, user.pinHash, user.at, user.at),
    );
    const created = this.byId(Number(result.lastInsertRowid));
    if (!created) throw new Error(`user ${user.username} vanished right after insert`);
    return created;
  }

  byId(id: number): UserRecord | undefined {
    const row = this.db.run(`read user ${id}`, () => this.selectById.get(id));
    return row ? fromRow(row) : undefined;
  }

  byUsername(username: string): UserRecord | undefined {
    const row = this.db.run(`read user ${username}`, () => this.selectByName.get(username));
    return row ? fromRow(row) : undefined;
  }

  list(): UserRecord[] {
    return this.db.run('list users', () => this.selectAll.all()).map(fromRow);
  }

  count(): number {
    return this.db.run('count users', () => this.countAll.get() ?? 0);
  }

  activeAdminCount(): number {
    return this.db.run('count admins', () => this.countActiveAdmins.get() ?? 0);
  }

  update(id: number, changes: UserRecordChanges, at: number): void {
    const sets: string[] = ['updated_at = :at'];
    const params: Record<string, string | number | null> = { id, at };
    const columns: Record<keyof UserRecordChanges, string> = {
      displayName: 'display_name',
      role: 'role',
      passwordHash: 'password_hash',
      pinHash: 'pin_hash',
      disabled: 'disabled',
    };
    for (const [key, column] of Object.entries(columns) as [keyof UserRecordChanges, string][]) {
      const value = changes[key];
      if (value === undefined) continue;
      sets.push(`${column} = :${key}`);
      params[key] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    }
    this.db.write(`update user ${id}`, () => this.db.connection.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = :id`).run(params));
  }

  recordLogin(id: number, at: number): void {
    this.db.write(`record login of user ${id}`, () => this.updateLastLogin.run(at, id));
  }
}

function fromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    passwordHash: row.password_hash,
    pinHash: row.pin_hash,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

/** One signed-in browser or tablet, keyed by the SHA-256 of its cookie token. */
export interface SessionRecord {
  tokenHash: string;
  userId: number;
  method: 'password' | 'pin';
  ip: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

interface SessionRow {
  token_hash: string;
  user_id: number;
  method: 'password' | 'pin';
  ip: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** Sessions live beside users: a session is meaningless without its user (ON DELETE CASCADE). */
export class SessionRepository {
  private readonly insert;
  private readonly select;
  private readonly touchStatement;
  private readonly deleteOne;
  private readonly deleteByUser;
  private readonly deleteByUserExcept;
  private readonly deleteByExpiry;

  constructor(private readonly db: StoreDatabase) {
    const c = db.connection;
    this.insert = c.prepare<[string, number, string, string | null, number, number, number]>(
      'INSERT INTO sessions (token_hash, user_id, method, ip, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.select = c.prepare<[string], SessionRow>(
      'SELECT token_hash, user_id, method, ip, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = ?',
    );
    this.touchStatement = c.prepare<[number, number, string]>('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?');
    this.deleteOne = c.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?');
    this.deleteByUser = c.prepare<[number]>('DELETE FROM sessions WHERE user_id = ?');
    this.deleteByUserExcept = c.prepare<[number, string]>('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?');
    this.deleteByExpiry = c.prepare<[number, number]>('DELETE FROM sessions WHERE expires_at <= ? OR created_at <= ?');
  }

  create(session: SessionRecord): void {
    this.db.write('create session', () =>
      this.insert.run(session.tokenHash, session.userId, session.method, session.ip, session.createdAt, session.lastSeenAt, session.expiresAt),
    );
  }

  get(tokenHash: string): SessionRecord | undefined {
    const row = this.db.run('read session', () => this.select.get(tokenHash));
    return row
      ? {
          tokenHash: row.token_hash,
          userId: row.user_id,
          method: row.method,
          ip: row.ip,
          createdAt: row.created_at,
          lastSeenAt: row.last_seen_at,
          expiresAt: row.expires_at,
        }
      : undefined;
  }

  touch(tokenHash: string, lastSeenAt: number, expiresAt: number): void {
    this.db.write('extend session', () => this.touchStatement.run(lastSeenAt, expiresAt, tokenHash));
  }

  /** True when a session was there to end. */
  delete(tokenHash: string): boolean {
    return this.db.write('end session', () => this.deleteOne.run(tokenHash)).changes > 0;
  }

  /** Ends every session of a user, optionally keeping one (the admin's own, changing their password). */
  deleteForUser(userId: number, keepTokenHash?: string): number {
    return this.db.write(`end sessions of user ${userId}`, () =>
      keepTokenHash === undefined ? this.deleteByUser.run(userId) : this.deleteByUserExcept.run(userId, keepTokenHash),
    ).changes;
  }

  /** Sessions idle until `idleBefore` or started at or before `createdBefore` (past the absolute lifetime). */
  deleteExpired(bounds: { idleBefore: number; createdBefore: number }): number {
    return this.db.write('delete expired sessions', () => this.deleteByExpiry.run(bounds.idleBefore, bounds.createdBefore)).changes;
  }
}
