/**
 * Signing in and out: throttle, check the credentials, start the session, audit. The answer
 * to a refused login is the same whether the user exists, is disabled, has no PIN or typed
 * the wrong secret; only the audit log (admins) says which.
 */
import type { Logger } from 'pino';
import type { AuditLog } from '../model/audit.js';
import type { SessionUser } from '../model/user.js';
import type { StoreDatabase } from '../store/database.js';
import type { UserRepository } from './user-repository.js';
import type { DeviceCookies } from './device-cookie.js';
import type { LoginThrottle } from './login-throttle.js';
import type { SessionService, StartedSession } from './session-service.js';
import { toSessionUser, type Credentials, type UserService } from './user-service.js';

export type LoginResult =
  | { kind: 'ok'; user: SessionUser; session: StartedSession; device: { cookie: string; maxAgeMs: number } }
  | { kind: 'refused' }
  | { kind: 'throttled'; retryAfterMs: number };

export interface LoginServiceOptions {
  db: StoreDatabase;
  userService: UserService;
  users: UserRepository;
  sessions: SessionService;
  throttle: LoginThrottle;
  devices: DeviceCookies;
  audit: AuditLog;
  now: () => number;
  logger: Logger;
}

export class LoginService {
  constructor(private readonly options: LoginServiceOptions) {}

  /** `deviceCookie`: the request's device cookie, if any (device-cookie.ts). */
  async login(request: { credentials: Credentials; ip: string | null; deviceCookie?: string | undefined }): Promise<LoginResult> {
    const { db, userService, users, sessions, throttle, devices, audit, now, logger } = this.options;
    const { credentials, ip } = request;
    const device = devices.trustedFor(request.deviceCookie, credentials.username);
    const account = users.byUsername(credentials.username) !== undefined;
    const decision = throttle.begin({ username: credentials.username, address: ip, account, ...(device !== undefined ? { device } : {}) });
    const knownDevice = device !== undefined;
    if (!decision.allowed) {
      logger.debug({ username: credentials.username, ip, knownDevice, retryAfterMs: decision.retryAfterMs }, 'login throttled');
      return { kind: 'throttled', retryAfterMs: decision.retryAfterMs };
    }
    const outcome = await userService.verify(credentials);
    if (!outcome.ok) {
      const known = outcome.reason === 'unknown-user' ? undefined : users.byUsername(credentials.username);
      audit.record({
        userId: known?.id ?? null,
        username: known?.username ?? credentials.username,
        action: 'auth.login-failed',
        target: known ? `user:${known.id}` : null,
        ip,
        details: { method: outcome.method, reason: outcome.reason, knownDevice },
      });
      logger.info({ username: credentials.username, ip, reason: outcome.reason, knownDevice }, 'login refused');
      return { kind: 'refused' };
    }
    decision.attempt.succeeded();
    const user = outcome.user;
    const session = db.durableWrite(`log in ${user.username}`, () => {
      const started = sessions.start({ userId: user.id, method: outcome.method, ip });
      users.recordLogin(user.id, now());
      audit.record({ userId: user.id, username: user.username, action: 'auth.login', target: `user:${user.id}`, ip, details: { method: outcome.method } });
      return started;
    });
    logger.info({ username: user.username, ip, method: outcome.method, knownDevice }, 'logged in');
    const deviceCookie = { cookie: devices.afterLogin(request.deviceCookie, user.username), maxAgeMs: devices.settings.maxAgeMs };
    return { kind: 'ok', user: toSessionUser(user), session, device: deviceCookie };
  }

  /** Ends the session of `token`; the user it belonged to, or undefined when there was none. */
  logout(request: { token: string | undefined; ip: string | null }): SessionUser | undefined {
    const { db, sessions, audit } = this.options;
    // an unknown or expired cookie has nothing to end: no write, so no 503 during an outage
    const live = sessions.resolve(request.token);
    if (!live) return undefined;
    return db.durableWrite('log out', () => {
      sessions.end(live);
      audit.record({
        userId: live.user.id,
        username: live.user.username,
        action: 'auth.logout',
        target: `user:${live.user.id}`,
        ip: request.ip,
        details: null,
      });
      return live.user;
    });
  }
}
