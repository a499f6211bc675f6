import { Router } from 'express';
import { z } from 'zod';
import type { LoginService } from './login-service.js';
import { clientAddress, currentUser } from '../http/auth-guard.js';
import { HttpError } from '../http/http-error.js';
import { DEVICE_COOKIE } from './device-cookie.js';
import { clearSessionCookie, cookieValue, sessionToken, setDeviceCookie, setSessionCookie } from './session-middleware.js';
import { parseBody } from '../http/validate.js';
import { freeText } from '../lib/free-text.js';

// Only shape is checked here: a PIN of the wrong form is just a wrong PIN (401, and counted).
// A failed login is audited with the name tried, so it is free text: no control characters.
const username = freeText(z.string().min(1).max(64));
export const loginBody = z.union([
  z.strictObject({ username, password: z.string().min(1).max(256) }),
  z.strictObject({ username, pin: z.string().min(1).max(16) }),
]);

/** POST /auth/login, POST /auth/logout, GET /auth/me. */
export function authRoutes(options: { login: LoginService }): Router {
  const router = Router();

  router.use('/auth', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.post('/auth/login', async (req, res) => {
    const credentials = parseBody(loginBody, req);
    const result = await options.login.login({ credentials, ip: clientAddress(req), deviceCookie: cookieValue(req.headers.cookie, DEVICE_COOKIE) });
    if (result.kind === 'throttled') {
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new HttpError(429, 'too_many_attempts', `too many failed logins; try again in ${seconds} s`, { retryAfterS: seconds });
    }
    if (result.kind === 'refused') {
      throw new HttpError(401, 'invalid_credentials', 'pin' in credentials ? 'wrong username or PIN' : 'wrong username or password');
    }
    // the session cookie first: clients that read only the first Set-Cookie get the session
    setSessionCookie(req, res, result.session.token, result.session.maxAgeMs);
    setDeviceCookie(req, res, result.device.cookie, result.device.maxAgeMs);
    res.json({ user: result.user });
  });

  router.post('/auth/logout', (req, res) => {
    options.login.logout({ token: sessionToken(req.headers.cookie), ip: clientAddress(req) });
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  // Asking "who am I?" is not an error when the answer is "nobody": a wall screen checks on
  // every page load, and a 401 there is a red line in its browser console each time.
  router.get('/auth/me', (_req, res) => {
    res.json({ user: currentUser(res) ?? null });
  });

  return router;
}
