/**
 * Sessions: a random 32-byte token in an httpOnly cookie; the database keeps only its
 * SHA-256, so neither a backup nor a leaked database file can be replayed as a cookie.
 * Expiry slides with use (idle timeout, 12 h by default: a shift plus margin) under a hard
 * absolute lifetime. The user is read fresh on every request, so a role change applies at
 * once and a disabled user's sessions stop working immediately.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SessionUser } from '../model/user.js';
import type { SessionRepository, UserRepository } from './user-repository.js';
import { toSessionUser } from './user-service.js';

export const SESSION_COOKIE = 'pressroom_session';

export interface SessionSettings {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after login however busy it is. */
  absoluteMs: number;
  /** Extend the idle expiry at most this often, so reads do not each cost a database write. */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  idleMs: 12 * 3600_000,
  absoluteMs: 7 * 24 * 3600_000,
  touchEveryMs: 60_000,
};

const TOKEN_BYTES = 32;
/** 32 bytes in base64url, no padding. Anything else is not ours and is not looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface ResolvedSession {
  user: SessionUser;
  tokenHash: string;
}

export interface StartedSession {
  token: string;
  tokenHash: string;
  /** For the cookie's Max-Age: the absolute lifetime. */
  maxAgeMs: number;
}

export interface SessionServiceOptions {
  sessions: SessionRepository;
  users: UserRepository;
  now: () => number;
  logger: Logger;
  settings?: Partial<SessionSettings>;
}

export class SessionService {
  readonly settings: SessionSettings;

  constructor(private readonly options: SessionServiceOptions) {
    this.settings = { ...DEFAULT_SESSION_SETTINGS, ...options.settings };
  }

  /** Stores a new session. Runs inside the caller's transaction when there is one (login). */
  start(session: { userId: number; method: 'password' | 'pin'; ip: string | null }): StartedSession {
    const now = this.options.now();
    const token = newSessionToken();
    const tokenHash = hashSessionToken(token);
    this.options.sessions.deleteExpired({ idleBefore: now, createdBefore: now - this.settings.absoluteMs });
    this.options.sessions.create({
      tokenHash,
      userId: session.userId,
      method: session.method,
      ip: session.ip,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.settings.idleMs,
    });
    return { token, tokenHash, maxAgeMs: this.settings.absoluteMs };
  }

  /**
   * The signed-in user for a cookie token, or undefined (unknown, expired, user disabled).
   * Writes nothing that can fail the request: an expired session is simply no session (its row
   * goes at the next `sweepExpired` or login), and a failed extension is logged. Only a failed
   * *read* of the session or its user throws (a StoreError): the caller decides between
   * anonymous and 503, and must never let it end the process.
   */
  resolve(token: string | undefined): ResolvedSession | undefined {
    if (token === undefined || !TOKEN_PATTERN.test(token)) return undefined;
    const tokenHash = hashSessionToken(token);
    const session = this.options.sessions.get(tokenHash);
    if (!session) return undefined;
    const now = this.options.now();
    // No delete here: during a storage outage it would fail (or wait the busy timeout) on
    // every request of a stale cookie, and a wall screen reconnecting with one ended the process.
    if (session.expiresAt <= now || session.createdAt + this.settings.absoluteMs <= now) return undefined;
    const user = this.options.users.byId(session.userId);
    if (!user || user.disabled) return undefined;
    if (now - session.lastSeenAt >= this.settings.touchEveryMs) this.slide(tokenHash, now);
    return { user: toSessionUser(user), tokenHash };
  }

  /** Ends a live session (from `resolve`); a write, so the caller runs it in its durable transaction. */
  end(session: ResolvedSession): void {
    this.options.sessions.delete(session.tokenHash);
  }

  /**
   * Deletes the rows of ended sessions (idle or past their absolute lifetime); the count, or 0
   * when the database refuses the write (logged; the next sweep or login tries again). Never
   * throws, so a timer may call it.
   */
  sweepExpired(): number {
    const now = this.options.now();
    try {
      return this.options.sessions.deleteExpired({ idleBefore: now, createdBefore: now - this.settings.absoluteMs });
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not delete ended sessions; they stay refused and are deleted at the next sweep');
      return 0;
    }
  }

  /**
   * A failed extension (disk full, read-only card) must not turn every signed-in read into a
   * 500: the session keeps its current expiry and the failure is logged for the operator.
   */
  private slide(tokenHash: string, now: number): void {
    try {
      this.options.sessions.touch(tokenHash, now, now + this.settings.idleMs);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not extend a session; it keeps its current expiry');
    }
  }
}
