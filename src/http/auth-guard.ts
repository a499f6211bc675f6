/**
 * Route guards. The session middleware (src/http/session-middleware.ts) puts the signed-in
 * user, if any, in `res.locals.user`; routes state the role they need with `requireRole`.
 * Reads may be open to anonymous wall screens (config `access.anonymousRead`); writes
 * always need a session.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { hasRole, type Role, type SessionUser } from '../model/user.js';
import { HttpError } from './http-error.js';

export function currentUser(res: Response): SessionUser | undefined {
  return res.locals.user as SessionUser | undefined;
}

/** Set by the session middleware when the session could not be read (storage trouble). */
function sessionTrouble(res: Response): unknown {
  return res.locals.sessionTrouble as unknown;
}

export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    const user = currentUser(res);
    if (!user) return next(sessionTrouble(res) ?? new HttpError(401, 'unauthenticated', 'log in first'));
    if (!hasRole(user, role)) return next(new HttpError(403, 'forbidden', `needs the ${role} role; you are ${user.role}`));
    next();
  };
}

/** Reads: anyone when anonymous read is on, else any signed-in user. */
export function requireReader(anonymousRead: boolean): RequestHandler {
  return (_req, res, next) => {
    if (anonymousRead || currentUser(res)) return next();
    next(sessionTrouble(res) ?? new HttpError(401, 'unauthenticated', 'log in first'));
  };
}

/** The client's address from the socket itself: proxy headers are not trusted. */
export function clientAddress(req: { socket: { remoteAddress?: string | undefined } }): string | null {
  return req.socket.remoteAddress ?? null;
}

/**
 * Guards the read routes of `router` under `prefix` (anonymous read for wall screens, or any
 * session). Express matches a mount path by whole segments, so `use('/alarms')` alone leaves
 * the sibling `/alarms.csv` unguarded: the export is listed explicitly.
 */
export function guardedReads(prefix: string, guard: RequestHandler, router: Router): Router {
  return Router()
    .use([prefix, `${prefix}.csv`], guard)
    .use(router);
}
