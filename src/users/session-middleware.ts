/**
 * Who is asking: reads the `pressroom_session` cookie and puts the signed-in user in
 * `res.locals.user` (left undefined for anonymous requests; the route guards decide). Also
 * refuses cross-site writes: the cookie is SameSite=Strict already, and on top of that a
 * POST/PUT/PATCH/DELETE whose Origin (or, lacking one, Referer) names another host than the
 * request's Host is answered 403. This covers every path, not only /api: express matches
 * routes case-insensitively, so a prefix test on the path could be sidestepped with `/API/`. Proxy headers are never read, and no header can
 * make a request more privileged than its cookie.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { SessionUser } from '../model/user.js';
import { DEVICE_COOKIE } from './device-cookie.js';
import { SESSION_COOKIE, type ResolvedSession, type SessionService } from './session-service.js';
import { HttpError } from '../http/http-error.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SessionMiddlewareOptions {
  sessions: SessionService;
  logger?: Logger;
}

export function createSessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  return (req, res, next) => {
    if (WRITE_METHODS.has(req.method) && !sameSiteWrite(req.headers)) {
      return next(new HttpError(403, 'cross_site_request', 'cross-site write refused: the Origin of this request is not this server'));
    }
    let resolved: ResolvedSession | undefined;
    try {
      resolved = options.sessions.resolve(sessionToken(req.headers.cookie));
    } catch (error) {
      // The session could not be read (storage trouble). The request goes on as anonymous: an
      // open read (a wall screen, /api/health) is still answered, and a route that needs a
      // session answers with this error (503) instead of a misleading 401 (src/http/auth-guard.ts).
      res.locals.sessionTrouble = error;
      options.logger?.warn({ err: error, method: req.method, path: req.path }, 'session could not be read; request handled as anonymous');
    }
    if (resolved) {
      res.locals.user = resolved.user;
      res.locals.sessionTokenHash = resolved.tokenHash;
    }
    next();
  };
}

/** For the socket.io handshake, which has headers but no express `res`: `(req.headers.cookie) => user`. */
export function createUserFromCookieHeader(sessions: SessionService): (header: string | undefined) => SessionUser | undefined {
  return (header) => sessions.resolve(sessionToken(header))?.user;
}

/** The session behind this request, set by the middleware; undefined when anonymous. */
export function currentSession(res: Response): Pick<ResolvedSession, 'tokenHash'> | undefined {
  const tokenHash = res.locals.sessionTokenHash as string | undefined;
  return tokenHash === undefined ? undefined : { tokenHash };
}

/** The session token in a Cookie header; the first `pressroom_session` wins, as browsers send the most specific first. */
export function sessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieValue(cookieHeader, SESSION_COOKIE);
}

/** The value of the first cookie called `name` in a Cookie header. */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    let value = part.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/**
 * True unless the browser says the request comes from another site. Origin is checked first;
 * a write without Origin but with a Referer is checked against that (older browsers, some
 * form posts). With neither, it is not a cross-site browser request (curl, a MIS client).
 */
export function sameSiteWrite(headers: IncomingHttpHeaders): boolean {
  const host = headers.host;
  const origin = headers.origin;
  if (origin !== undefined) return host !== undefined && sameHost(origin, host);
  const referer = headers.referer;
  if (referer !== undefined) return host !== undefined && sameHost(referer, host);
  return true;
}

function sameHost(url: string, host: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false; // Origin: null, file:, data:
    // Normalise Host the way URL normalises the origin (case, default port for the scheme).
    return parsed.host === new URL(`${parsed.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** Cookie attributes for the session; Secure when the connection itself is TLS (proxies are not trusted). */
export function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure, maxAge: maxAgeMs });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.secure });
}

/**
 * The device cookie (src/users/device-cookie.ts): sent only to /api/auth, where logins are, and
 * kept across logouts: it says which users this device has logged in as, nothing more.
 */
export function setDeviceCookie(req: Request, res: Response, value: string, maxAgeMs: number): void {
  res.cookie(DEVICE_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/api/auth', secure: req.secure, maxAge: maxAgeMs });
}
