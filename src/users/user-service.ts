/**
 * Users: create, change, disable, reset a password, set a PIN, and check credentials. Every
 * change commits durably together with its audit entry. Secrets are hashed before the write
 * transaction starts (hashing is async), and never leave this module: callers get `UserView`.
 */
import type { z } from 'zod';
import type { AuditLog } from '../model/audit.js';
import type { Role, SessionUser } from '../model/user.js';
import type { StoreDatabase } from '../store/database.js';
import { isStoreError } from '../store/errors.js';
import type { SessionRepository, UserRecord, UserRecordChanges, UserRepository } from './user-repository.js';
import { hashSecret, makeDecoyHash, verifySecret } from './password-hash.js';
import { UserError } from './user-errors.js';
import { displayNameSchema, passwordSchema, pinSchema, roleSchema, usernameSchema } from './user-rules.js';

/** A user as shown to admins: no hashes. */
export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  hasPin: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

/** Who is making a change, for the audit log; `userId: null` is the system itself. */
export interface Actor {
  userId: number | null;
  username: string | null;
  ip: string | null;
}

export interface NewUser {
  username: string;
  displayName?: string;
  role: Role;
  password: string;
  pin?: string;
}

export interface UserChanges {
  displayName?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
  /** A new PIN, or null to remove it. */
  pin?: string | null;
}

export type Credentials = { username: string; password: string } | { username: string; pin: string };

export type VerifyOutcome =
  | { ok: true; user: UserRecord; method: 'password' | 'pin' }
  | { ok: false; reason: 'unknown-user' | 'disabled' | 'no-pin' | 'wrong-secret'; method: 'password' | 'pin' };

export interface UserServiceOptions {
  db: StoreDatabase;
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditLog;
  now: () => number;
}

export class UserService {
  private decoyHash: Promise<string> | undefined;

  constructor(private readonly options: UserServiceOptions) {}

  list(): UserView[] {
    return this.options.users.list().map(toUserView);
  }

  get(id: number): UserView | undefined {
    const user = this.options.users.byId(id);
    return user ? toUserView(user) : undefined;
  }

  count(): number {
    return this.options.users.count();
  }

  async create(input: NewUser, actor: Actor): Promise<UserView> {
    const username = check(usernameSchema, input.username, 'username');
    const displayName = check(displayNameSchema, input.displayName ?? username, 'displayName');
    const role = check(roleSchema, input.role, 'role');
    const password = check(passwordSchema, input.password, 'password');
    const pin = input.pin === undefined ? undefined : check(pinSchema, input.pin, 'pin');
    const passwordHash = await hashSecret(password);
    const pinHash = pin === undefined ? null : await hashSecret(pin);
    const { db, users, audit, now } = this.options;
    try {
      const created = db.durableWrite(`create user ${username}`, () => {
        if (users.byUsername(username)) throw new UserError('conflict', `username "${username}" is taken`, { username });
        const user = users.create({ username, displayName, role, passwordHash, pinHash, at: now() });
        audit.record({
          ...auditActor(actor),
          action: 'user.create',
          target: `user:${user.id}`,
          details: { username, role, displayName, hasPin: pinHash !== null },
        });
        return user;
      });
      return toUserView(created);
    } catch (error) {
      // Two admins creating the same name at once: the UNIQUE index is the last word.
      if (isStoreError(error) && error.kind === 'constraint')
        throw new UserError('conflict', `username "${username}" is taken`, { username }, { cause: error });
      throw error;
    }
  }

  /**
   * Applies `changes`. A new password or PIN, or disabling, ends the user's sessions, except
   * `keepSessionTokenHash` (an admin changing their own password stays signed in).
   */
  async update(id: number, changes: UserChanges, actor: Actor, options: { keepSessionTokenHash?: string } = {}): Promise<UserView> {
    const record: UserRecordChanges = {};
    if (changes.displayName !== undefined) record.displayName = check(displayNameSchema, changes.displayName, 'displayName');
    if (changes.role !== undefined) record.role = check(roleSchema, changes.role, 'role');
    if (changes.disabled !== undefined) record.disabled = changes.disabled;
    if (changes.password !== undefined) record.passwordHash = await hashSecret(check(passwordSchema, changes.password, 'password'));
    if (changes.pin !== undefined) record.pinHash = changes.pin === null ? null : await hashSecret(check(pinSchema, changes.pin, 'pin'));

    const { db, users, sessions, audit, now } = this.options;
    const updated = db.durableWrite(`update user ${id}`, () => {
      const before = users.byId(id);
      if (!before) throw new UserError('not-found', `user ${id} not found`, { userId: id });
      const staysAdmin = (record.role ?? before.role) === 'admin' && !(record.disabled ?? before.disabled);
      if (before.role === 'admin' && !before.disabled && !staysAdmin && users.activeAdminCount() <= 1) {
        throw new UserError('last-admin', `"${before.username}" is the last enabled admin; make another admin first`, { userId: id });
      }
      users.update(id, record, now());
      const endsSessions = record.passwordHash !== undefined || record.pinHash !== undefined || record.disabled === true;
      const endedSessions = endsSessions ? sessions.deleteForUser(id, options.keepSessionTokenHash) : 0;
      audit.record({ ...auditActor(actor), action: 'user.update', target: `user:${id}`, details: describeChanges(before, record, endedSessions) });
      return users.byId(id) ?? before;
    });
    return toUserView(updated);
  }

  disable(id: number, actor: Actor): Promise<UserView> {
    return this.update(id, { disabled: true }, actor);
  }

  resetPassword(id: number, password: string, actor: Actor): Promise<UserView> {
    return this.update(id, { password }, actor);
  }

  setPin(id: number, pin: string | null, actor: Actor): Promise<UserView> {
    return this.update(id, { pin }, actor);
  }

  /**
   * Checks a password or PIN. Spends one scrypt in every case (a decoy hash when the user is
   * unknown or has no PIN), so timing does not tell which usernames exist. Writes nothing.
   */
  async verify(credentials: Credentials): Promise<VerifyOutcome> {
    const method = 'pin' in credentials ? 'pin' : 'password';
    const secret = 'pin' in credentials ? credentials.pin : credentials.password;
    const user = this.options.users.byUsername(credentials.username);
    const stored = method === 'pin' ? user?.pinHash : user?.passwordHash;
    const matches = await verifySecret(secret, stored ?? (await this.decoy()));
    if (!user) return { ok: false, reason: 'unknown-user', method };
    if (!stored) return { ok: false, reason: 'no-pin', method };
    if (!matches) return { ok: false, reason: 'wrong-secret', method };
    if (user.disabled) return { ok: false, reason: 'disabled', method };
    return { ok: true, user, method };
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= makeDecoyHash();
    return this.decoyHash;
  }
}

export function toUserView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    hasPin: user.pinHash !== null,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
  };
}

export function toSessionUser(user: Pick<UserRecord, 'id' | 'username' | 'displayName' | 'role'>): SessionUser {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
}

function auditActor(actor: Actor): { userId: number | null; username: string | null; ip: string | null } {
  return { userId: actor.userId, username: actor.username, ip: actor.ip };
}

/** What changed, for the audit log: old and new values, but never a secret or its hash. */
function describeChanges(before: UserRecord, changes: UserRecordChanges, endedSessions: number): Record<string, unknown> {
  const details: Record<string, unknown> = { username: before.username, changed: [] as string[] };
  const changed = details.changed as string[];
  if (changes.displayName !== undefined && changes.displayName !== before.displayName) {
    changed.push('displayName');
    details.displayName = { from: before.displayName, to: changes.displayName };
  }
  if (changes.role !== undefined && changes.role !== before.role) {
    changed.push('role');
    details.role = { from: before.role, to: changes.role };
  }
  if (changes.disabled !== undefined && changes.disabled !== before.disabled) {
    changed.push('disabled');
    details.disabled = changes.disabled;
  }
  if (changes.passwordHash !== undefined) changed.push('password');
  if (changes.pinHash !== undefined) changed.push(changes.pinHash === null ? 'pin-removed' : 'pin');
  if (endedSessions > 0) details.endedSessions = endedSessions;
  return details;
}

function check<S extends z.ZodType>(schema: S, value: unknown, field: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new UserError('invalid', `${field}: ${result.error.issues[0]?.message ?? 'invalid'}`, { field });
  return result.data;
}
