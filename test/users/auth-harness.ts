/**
 * A real Pressroom HTTP app on 127.0.0.1 with the auth module, a real SQLite file in a temp
 * folder, and a ManualClock for sessions and lockouts. Two tiny routes stand for the writes
 * other modules guard: POST /api/test/operator and POST /api/test/admin.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Router } from 'express';
import { pino } from 'pino';
import { ManualClock } from '../helpers/manual-clock.js';
import type { Role } from '../../src/model/user.js';
import { currentUser, requireRole } from '../../src/http/auth-guard.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { openDatabase, type StoreDatabase } from '../../src/store/database.js';
import { createAuth, type Auth, type CreateAuthOptions } from '../../src/users/index.js';

export const SYSTEM = { userId: null, username: null, ip: null };

export interface Harness {
  baseUrl: string;
  port: number;
  clock: ManualClock;
  db: StoreDatabase;
  auth: Auth;
  dataDir: string;
  /** Creates a user directly through the service (audited as the system). */
  addUser(username: string, role: Role, secrets?: { password?: string; pin?: string }): Promise<number>;
  /** Logs in over HTTP and returns the Cookie header value to send back. */
  login(username: string, secret: { password: string } | { pin: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(options: Omit<CreateAuthOptions, 'db' | 'now'> = {}): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pressroom-users-'));
  const db = openDatabase({ dataDir });
  const clock = new ManualClock();
  const logger = pino({ level: 'silent' });
  const auth = createAuth({ db, logger, now: () => clock.now(), ...options });

  const testRoutes = Router();
  testRoutes.post('/test/operator', requireRole('operator'), (_req, res) => res.json({ ok: true, user: currentUser(res) }));
  testRoutes.post('/test/admin', requireRole('admin'), (_req, res) => res.json({ ok: true, user: currentUser(res) }));

  const app = createHttpApp({ logger, before: [auth.sessionMiddleware], apiRouters: [...auth.routers, testRoutes] });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    port,
    clock,
    db,
    auth,
    dataDir,
    async addUser(username, role, secrets = {}) {
      const user = await auth.users.create(
        { username, role, password: secrets.password ?? `${username}-password-1`, ...(secrets.pin !== undefined ? { pin: secrets.pin } : {}) },
        SYSTEM,
      );
      return user.id;
    },
    async login(username, secret) {
      const res = await postJson(baseUrl, '/api/auth/login', { username, ...secret });
      if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${await res.text()}`);
      return cookieFrom(res);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function postJson(baseUrl: string, route: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<Response> {
  return fetch(`${baseUrl}${route}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export function get(baseUrl: string, route: string, cookie?: string): Promise<Response> {
  return fetch(`${baseUrl}${route}`, cookie ? { headers: { cookie } } : {});
}

/** Who `GET /api/auth/me` says the cookie signs in (200 either way), or null for nobody. */
export async function signedInAs(baseUrl: string, cookie?: string): Promise<string | null> {
  const res = await get(baseUrl, '/api/auth/me', cookie);
  if (res.status !== 200) throw new Error(`GET /api/auth/me answered ${res.status}`);
  return ((await res.json()) as { user: { username: string } | null }).user?.username ?? null;
}

/** `pressroom_session=<token>` from a login answer's Set-Cookie. */
export function cookieFrom(res: Response): string {
  const setCookie = res.headers.getSetCookie().find((line) => line.startsWith('pressroom_session='));
  if (!setCookie) throw new Error('no pressroom_session cookie in the answer');
  return setCookie.split(';')[0] ?? '';
}

/**
 * A raw HTTP request with any headers at all (fetch will not forge Host): what a script,
 * not a browser, can send.
 */
export function rawRequest(
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
