/**
 * The users feature: users and roles, sessions (password or PIN), the login throttle, the
 * audit log of every write, and the /api/auth, /api/users and /api/audit routes.
 *
 *   const users = createAuth({ db, logger, now, print });   // applies its own migrations
 *   http: createHttpApp({ before: [users.sessionMiddleware], apiRouters: users.routes })
 *   realtime: authorize: (req) => anonymousRead || users.userFromCookieHeader(req.headers.cookie) !== undefined
 *   users.start()   // creates the first admin when there are no users; prints its password once
 */
import { randomBytes } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import type { FeatureModule } from '../http/feature-module.js';
import { pino, type Logger } from 'pino';
import type { AuditLog } from '../model/audit.js';
import type { SessionUser } from '../model/user.js';
import type { AuditReader } from './audit-reader.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes } from './auth-routes.js';
import { userRoutes } from './user-routes.js';
import { createSessionMiddleware, createUserFromCookieHeader } from './session-middleware.js';
import { AuditRepository } from './audit-repository.js';
import { AuthKeyRepository } from './auth-key-repository.js';
import type { StoreDatabase } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { usersMigrations } from './user-migrations.js';
import { SessionRepository, UserRepository } from './user-repository.js';
import { bootstrapAdmin, type BootstrapAdminRequest, type BootstrapAdminResult } from './bootstrap-admin.js';
import { DeviceCookies, type DeviceCookieSettings } from './device-cookie.js';
import { LoginService } from './login-service.js';
import { LoginThrottle, type ThrottleSettings } from './login-throttle.js';
import { SessionService, type SessionSettings } from './session-service.js';
import { UserService } from './user-service.js';

export interface CreateAuthOptions {
  db: StoreDatabase;
  logger?: Logger;
  /** Epoch ms; injected so tests drive session expiry and lockouts. */
  now?: () => number;
  /** Default environment for `bootstrapAdmin`. */
  env?: Record<string, string | undefined>;
  throttle?: Partial<ThrottleSettings>;
  sessions?: Partial<SessionSettings>;
  /** Where the generated first admin password goes at `start()`; default stdout. */
  print?: (line: string) => void;
  deviceCookies?: Partial<DeviceCookieSettings>;
}

export interface Auth extends FeatureModule {
  /** Put in `createHttpApp({ before: [...] })`: sets `res.locals.user`, refuses cross-site writes. */
  sessionMiddleware: RequestHandler;
  /** /auth, /users and /audit routes, to mount under /api. */
  routers: Router[];
  /** The user of a Cookie header, for the socket.io handshake. */
  userFromCookieHeader(header: string | undefined): SessionUser | undefined;
  /** The audit log, for other services to record their writes. */
  audit: AuditLog & AuditReader;
  users: UserService;
  sessions: SessionService;
  /** Creates the first admin when there are no users; prints its password once through `print`. */
  bootstrapAdmin(request: { env?: Record<string, string | undefined>; print: (line: string) => void }): Promise<BootstrapAdminResult>;
}

export function createAuth(options: CreateAuthOptions): Auth {
  const { db } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const now = options.now ?? Date.now;
  migrate(db, usersMigrations, { now });

  const userRepository = new UserRepository(db);
  const sessionRepository = new SessionRepository(db);
  const audit = new AuditRepository(db, now);
  const users = new UserService({ db, users: userRepository, sessions: sessionRepository, audit, now });
  const sessions = new SessionService({
    sessions: sessionRepository,
    users: userRepository,
    now,
    logger,
    ...(options.sessions ? { settings: options.sessions } : {}),
  });
  const throttle = new LoginThrottle({ now, ...(options.throttle ? { settings: options.throttle } : {}) });
  const devices = new DeviceCookies({ key: deviceCookieKey(db, now, logger), now, ...(options.deviceCookies ? { settings: options.deviceCookies } : {}) });
  const login = new LoginService({ db, userService: users, users: userRepository, sessions, throttle, devices, audit, now, logger });

  let sweep: NodeJS.Timeout | undefined;
  const routers = [authRoutes({ login }), userRoutes({ users }), auditRoutes({ audit, now })];
  const bootstrap = (request: { env?: Record<string, string | undefined>; print: (line: string) => void }) => {
    const full: BootstrapAdminRequest = { env: request.env ?? options.env ?? process.env, print: request.print };
    return bootstrapAdmin(users, full);
  };
  return {
    name: 'users',
    migrations: usersMigrations,
    routes: routers,
    openapi: async () => (await import('./users-openapi.js')).usersPaths,
    async start() {
      await bootstrap({ print: options.print ?? ((line) => console.log(line)) });
      // ended sessions are refused at once; their rows go here (and at each login), never in a request
      sweep = setInterval(() => sessions.sweepExpired(), 3600_000);
      sweep.unref();
    },
    stop() {
      if (sweep) clearInterval(sweep);
    },
    sessionMiddleware: createSessionMiddleware({ sessions, logger }),
    routers,
    userFromCookieHeader: createUserFromCookieHeader(sessions),
    audit,
    users,
    sessions,
    bootstrapAdmin: bootstrap,
  };
}

/**
 * The device-cookie signing key, made on first start. A database that cannot take the write
 * (read-only at start) gets a key for this run only: device cookies issued before are then
 * unknown, which only means their devices are counted like any other until they log in again.
 */
function deviceCookieKey(db: StoreDatabase, now: () => number, logger: Logger): Buffer {
  try {
    return new AuthKeyRepository(db).getOrCreate('device-cookie', () => randomBytes(32), now());
  } catch (error) {
    logger.warn({ err: error }, 'device-cookie key could not be stored; using one for this run only');
    return randomBytes(32);
  }
}
